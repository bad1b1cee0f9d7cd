using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.MongoDb;
using Mofa.Sync.Store.Sqlite;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// The one place the store kind is chosen (Store:Kind): SQLite (the embedded file) unless MongoDB
/// is configured. Each adapter registers its mirror store and its notification store together.
/// </summary>
public static class StoreFactory
{
    /// <param name="outbox">Whether the mirror's writes record the changes they make (the service: NotificationServices.ChangeOutboxOf); the commands record none.</param>
    public static IServiceCollection AddStore(this IServiceCollection services, StoreOptions store, ChangeOutboxSettings? outbox = null) => store.Kind switch
    {
        StoreKind.MongoDb => services.AddMongoDbStore(store.MongoDb, outbox),
        _ => services.AddSqliteStore(store.Sqlite, outbox),
    };

    /// <summary>Opens and initializes the configured mirror store (creating an SQLite file that is not there yet).</summary>
    public static async Task<IMirrorStore> OpenAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = Stores(settings, loggers).GetRequiredService<IMirrorStore>();
        await InitializeAsync(store.InitializeAsync, settings.Store, ct);
        return store;
    }

    /// <summary>For the commands that only read: the mirror store, which must exist already (see RequireExisting).</summary>
    public static Task<IMirrorStore> OpenExistingAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        RequireExisting(settings.Store);
        return OpenAsync(settings, loggers, ct);
    }

    /// <summary>Opens the configured notification store (for `mofa-sync notifications`, which only reads: it must exist).</summary>
    public static async Task<INotificationStore> OpenNotificationsAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        RequireExisting(settings.Store);
        var store = Stores(settings, loggers).GetRequiredService<INotificationStore>();
        await InitializeAsync(store.InitializeAsync, settings.Store, ct);
        return store;
    }

    /// <summary>
    /// A command that only reads never creates the SQLite file: opening a mistyped or relative path
    /// would make an empty mirror and report "empty" as if all were well.
    /// </summary>
    public static void RequireExisting(StoreOptions store)
    {
        if (store.Kind != StoreKind.Sqlite) return;
        var path = Path.GetFullPath(store.Sqlite.Path);
        if (Directory.Exists(path)) throw new SettingsException($"the mirror store {path} is a folder, not a file: set {StorePath.Setting} to the database file");
        if (!File.Exists(path))
        {
            throw new SettingsException($"the mirror store {path} does not exist: set {StorePath.Setting} to the service's database file (`mofa-sync run` creates it; `mofa-sync config show` tells where each setting comes from)");
        }
    }

    /// <summary>
    /// Initializes a store; an SQLite file that cannot be opened or created (SQLite's READONLY,
    /// CANTOPEN, NOTADB) is named with its setting, a settings error (exit 2).
    /// </summary>
    /// <param name="sqliteOnly">Only SQLite's own errors (for a start that does more than open the store).</param>
    public static async Task InitializeAsync(Func<CancellationToken, Task> initialize, StoreOptions store, CancellationToken ct, bool sqliteOnly = false)
    {
        try
        {
            await initialize(ct);
        }
        catch (Exception ex) when (store.Kind == StoreKind.Sqlite
            && (ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 8 or 14 or 26 } || (!sqliteOnly && ex is IOException or UnauthorizedAccessException)))
        {
            throw new SettingsException(StorePath.Explain(store.Sqlite.Path, ex));
        }
    }

    /// <summary>The stores as the service composes them, outside a host; the caller disposes the store it takes.</summary>
    private static ServiceProvider Stores(MofaSyncSettings settings, ILoggerFactory loggers) =>
        new ServiceCollection().AddSingleton(loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>)).AddStore(settings.Store).BuildServiceProvider();
}
