using Microsoft.Extensions.Logging;
using Mofa.Sync.Agents.Configuration;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Store.MongoDb;

namespace Mofa.Sync.Host.Hosting;

/// <summary>Picks the mirror store by Store:Kind; SQLite (the embedded file) unless MongoDB is configured.</summary>
public static class StoreFactory
{
    public static IMirrorStore Create(MofaSyncSettings settings, ILoggerFactory loggers) => settings.Store.Kind switch
    {
        StoreKind.MongoDb => new MongoMirrorStore(settings.MongoDb, loggers.CreateLogger<MongoMirrorStore>()),
        _ => new SqliteMirrorStore(settings.Store.Sqlite, loggers.CreateLogger<SqliteMirrorStore>()),
    };

    /// <summary>Opens and initializes the configured store (for the commands that only read it).</summary>
    public static async Task<IMirrorStore> OpenAsync(MofaSyncSettings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = Create(settings, loggers);
        await store.InitializeAsync(ct);
        return store;
    }
}
