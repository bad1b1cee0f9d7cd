using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Consumers.Store.Sqlite;

namespace Mofa.Sync.Tests.Store;

/// <summary>The store contract on the embedded store: a fresh SQLite file per test. Always runs.</summary>
public sealed class SqliteMirrorStoreContractTests : MirrorStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"mofa-store-contract-{Guid.NewGuid():N}.db");

    protected override IMirrorStore CreateStore() => new SqliteMirrorStore(
        new SqliteStoreOptions { Path = _path, Synchronous = SqliteSynchronous.Normal },
        NullLogger<SqliteMirrorStore>.Instance);

    protected override Task DestroyStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }

        return Task.CompletedTask;
    }
}
