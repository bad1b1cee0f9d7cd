using Mofa.Sync.Store.MongoDb;
using Mofa.Sync.Store.Sqlite;

namespace Mofa.Sync.Host.Settings;

/// <summary>Section Store (environment: MOFASYNC__STORE__…).</summary>
public sealed class StoreOptions
{
    /// <summary>Sqlite (default, the embedded file) or MongoDb.</summary>
    public StoreKind Kind { get; set; } = StoreKind.Sqlite;

    /// <summary>Section Store:Sqlite: the embedded file.</summary>
    public SqliteStoreOptions Sqlite { get; set; } = new();

    /// <summary>Section Store:MongoDb: the server and database, when Kind is MongoDb.</summary>
    public MongoStoreOptions MongoDb { get; set; } = new();

    /// <summary>How long tombstones (and profiles no teacher role backs) are kept to absorb late events.</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the purge of expired tombstones runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

public enum StoreKind
{
    Sqlite,
    MongoDb,
}
