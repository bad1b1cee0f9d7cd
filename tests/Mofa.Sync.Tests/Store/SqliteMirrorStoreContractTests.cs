using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Consumers.Store.Sqlite;

namespace Mofa.Sync.Tests.Store;

/// <summary>The store contract on the embedded store: a fresh SQLite file per test. Always runs.</summary>
public sealed class SqliteMirrorStoreContractTests : MirrorStoreContract
{
    private readonly string _path = SqliteTestFile.NewPath("mofa-store-contract");

    protected override IMirrorStore CreateStore() => new SqliteMirrorStore(
        new SqliteStoreOptions { Path = _path, Synchronous = SqliteSynchronous.Normal },
        NullLogger<SqliteMirrorStore>.Instance);

    protected override Task DestroyStoreAsync()
    {
        SqliteTestFile.Delete(_path);
        return Task.CompletedTask;
    }
}
