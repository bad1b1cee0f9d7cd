using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.Sqlite;

namespace Mofa.Sync.Tests.Store;

/// <summary>The store contract on the embedded store: a fresh SQLite file per test. Always runs.</summary>
public sealed class SqliteMirrorStoreContractTests : MirrorStoreContract
{
    private readonly string _path = SqliteTestFile.NewPath("mofa-store-contract");

    private SqliteStoreOptions Options => new() { Path = _path, Synchronous = SqliteSynchronous.Normal };

    private SqliteMirrorStore? _mirror;

    protected override IMirrorStore CreateStore(ChangeOutboxSettings outbox) => _mirror = new SqliteMirrorStore(Options, NullLogger<SqliteMirrorStore>.Instance, outbox);

    // As the service: the notification writes join the mirror store's writer (the one CreateStore made).
    protected override INotificationStore CreateNotificationStore(IMirrorStore mirror) => new SqliteNotificationStore(Options, _mirror);

    protected override async Task DeleteDigestAsync(string digestId)
    {
        await using var connection = new SqliteConnection(Options.ConnectionString());
        await connection.OpenAsync();
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM notification_digests WHERE id = $id";
        delete.Parameters.AddWithValue("$id", digestId);
        await delete.ExecuteNonQueryAsync();
    }

    protected override Task DestroyStoreAsync()
    {
        SqliteTestFile.Delete(_path);
        return Task.CompletedTask;
    }
}
