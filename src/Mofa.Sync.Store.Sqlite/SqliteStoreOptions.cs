namespace Mofa.Sync.Store.Sqlite;

/// <summary>Settings of the embedded store (section Store:Sqlite).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; created with its folder when missing.</summary>
    public string Path { get; set; } = "./data/mirror.db";

    /// <summary>
    /// FULL (default): a commit survives power loss. NORMAL: it survives a crash of the process,
    /// not of the machine; faster on slow disks.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>At most this many events' writes are committed in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>
    /// SQLite's page cache of the writer connection, in MiB. The mirror's indexes are read on every
    /// write; a cache smaller than their hot part turns each lookup into a read from the OS.
    /// </summary>
    public int CacheSizeMegabytes { get; set; } = 32;

    /// <summary>
    /// How often the store copies the write-ahead log into the database file (a checkpoint), on a
    /// connection of its own so that a commit never waits for one. Short, so each copy is small:
    /// a checkpoint's fsync of the file holds up the disk, and the broker's writes wait behind it
    /// (docs/performance.md: p99 publish-to-applied 80 ms at 1 s, 31 ms at 250 ms, same build).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a writer waits for another process's lock before the write fails (and is retried).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The connection string the SQLite stores open the file with: <see cref="Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate"/>
    /// for the service, <see cref="Microsoft.Data.Sqlite.SqliteOpenMode.ReadWrite"/> for a read that must not create the file.
    /// </summary>
    internal string ConnectionString(Microsoft.Data.Sqlite.SqliteOpenMode mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate) => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = mode,
        Cache = Microsoft.Data.Sqlite.SqliteCacheMode.Private,
        // Whole seconds, at least 1: Microsoft.Data.Sqlite reads 0 as "wait forever".
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
        Pooling = true,
    }.ToString();
}

public enum SqliteSynchronous
{
    Full,
    Normal,
}
