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
    public static IServiceCollection AddStore(this IServiceCollection services, StoreOptions store) => store.Kind switch
    {
        StoreKind.MongoDb => services.AddMongoDbStore(store.MongoDb),
        _ => services.AddSqliteStore(store.Sqlite),
    };

    /// <summary>Opens and initializes the configured mirror store (for the commands that only read it).</summary>
    public static async Task<IMirrorStore> OpenAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = Stores(settings, loggers).GetRequiredService<IMirrorStore>();
        await store.InitializeAsync(ct);
        return store;
    }

    /// <summary>Opens and initializes the configured notification store (for `mofa-sync notifications`).</summary>
    public static async Task<INotificationStore> OpenNotificationsAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = Stores(settings, loggers).GetRequiredService<INotificationStore>();
        await store.InitializeAsync(ct);
        return store;
    }

    /// <summary>The stores as the service composes them, outside a host; the caller disposes the store it takes.</summary>
    private static ServiceProvider Stores(MofaSyncSettings settings, ILoggerFactory loggers) =>
        new ServiceCollection().AddSingleton(loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>)).AddStore(settings.Store).BuildServiceProvider();
}
