using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoDB.Bson;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.MongoDb;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The store contract on MongoDB, against the server named by MOFASYNC_TEST_MONGODB_URL (e.g.
/// mongodb://localhost:27017): every test in a fresh database, dropped afterwards. Without the
/// variable every test is reported as skipped, never as passed.
/// </summary>
public sealed class MongoMirrorStoreContractTests : MirrorStoreContract
{
    public const string UrlVariable = "MOFASYNC_TEST_MONGODB_URL";
    public const string SkipReason = "MOFASYNC_TEST_MONGODB_URL is not set: no MongoDB server to test against";

    private readonly string _database = $"mofa_test_{Guid.NewGuid():N}";

    public static string? Url => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;

    protected override void SkipUnlessAvailable() => Skip.If(Url is null, SkipReason);

    private MongoMirrorStore? _mirror;

    protected override IMirrorStore CreateStore(ChangeOutboxSettings outbox) => _mirror = new MongoMirrorStore(
        new MongoStoreOptions { ConnectionString = Url!, Database = _database },
        NullLogger<MongoMirrorStore>.Instance, outbox);

    // As the service: the notification store shares the client of the mirror store CreateStore made.
    protected override INotificationStore CreateNotificationStore(IMirrorStore mirror) => new MongoNotificationStore(_mirror!);

    protected override async Task DeleteDigestAsync(string digestId)
    {
        using var client = new MongoClient(Url);
        await client.GetDatabase(_database).GetCollection<BsonDocument>("notificationDigests").DeleteOneAsync(new BsonDocument("_id", digestId));
    }

    protected override async Task DestroyStoreAsync()
    {
        using var client = new MongoClient(Url);
        await client.DropDatabaseAsync(_database);
    }
}
