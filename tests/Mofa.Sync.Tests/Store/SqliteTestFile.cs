using Microsoft.Data.Sqlite;

namespace Mofa.Sync.Tests.Store;

/// <summary>A test's SQLite file in the temp folder, removed with its WAL and shared-memory files.</summary>
public static class SqliteTestFile
{
    public static string NewPath(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");

    /// <summary>Closes pooled connections first: a pooled connection keeps the files open.</summary>
    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
