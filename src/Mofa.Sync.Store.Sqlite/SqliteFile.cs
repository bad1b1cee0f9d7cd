using Microsoft.Data.Sqlite;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The mirror's SQLite file, opened here and nowhere else: its folder is created, it is put in WAL
/// mode, and every connection to it waits Store:Sqlite:BusyTimeout for another writer's lock.
/// The stores of one service share one instance (AddSqliteStore).
/// </summary>
public sealed class SqliteFile(SqliteStoreOptions options)
{
    /// <summary>SQLITE_CANTOPEN: the file is not there (or its folder is not).</summary>
    private const int CantOpen = 14;

    private readonly string _connectionString = options.ConnectionString();
    private readonly string _existingConnectionString = options.ConnectionString(SqliteOpenMode.ReadWrite);

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
    internal SqliteConnection Open() => Opened(new SqliteConnection(_connectionString));

    /// <summary>
    /// For a read that must create nothing (a command run beside the service, or before it ever ran): a connection to
    /// the file when it exists, null when it does not; neither the file nor its folder is created.
    /// </summary>
    internal SqliteConnection? OpenExisting()
    {
        if (!File.Exists(options.Path)) return null;
        try
        {
            return Opened(new SqliteConnection(_existingConnectionString));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == CantOpen && !File.Exists(options.Path))
        {
            // Removed between the look and the open.
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on a connection of its own that takes the write lock up front
    /// (IMMEDIATE), so two instances never both read and then both write; undone when it throws.
    /// </summary>
    internal T InTransaction<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        SqliteSchema.Exec(connection, "BEGIN IMMEDIATE");
        try
        {
            var result = work(connection);
            SqliteSchema.Exec(connection, "COMMIT");
            return result;
        }
        catch
        {
            SqliteSchema.Exec(connection, "ROLLBACK");
            throw;
        }
    }

    private SqliteConnection Opened(SqliteConnection connection)
    {
        try
        {
            connection.Open();
            SqliteSchema.Exec(connection, $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
