using Microsoft.Data.Sqlite;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The mirror's SQLite file, opened here and nowhere else: its folder is created, it is put in WAL
/// mode, and every connection to it waits Store:Sqlite:BusyTimeout for another writer's lock.
/// The mirror store and the notification store of one service share one instance (AddSqliteStore).
/// </summary>
public sealed class SqliteFile(SqliteStoreOptions options)
{
    private readonly string _connectionString = options.ConnectionString();

    public SqliteStoreOptions Options => options;

    /// <summary>Creates the file's folder when missing and switches the file to WAL (readers never wait for the writer).</summary>
    internal void Prepare()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        using var connection = Open();
        SqliteSchema.Exec(connection, "PRAGMA journal_mode = WAL;");
    }

    /// <summary>An open connection (pooled) that waits for another process's lock instead of failing at once.</summary>
    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        SqliteSchema.Exec(connection, $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds};");
        return connection;
    }
}
