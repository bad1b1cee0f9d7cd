using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Store.MongoDb;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The reconcile state contract on MongoDB, against the server named by MOFASYNC_TEST_MONGODB_URL: every test in a fresh
/// database, dropped afterwards; each store instance on a client of its own, as another process would be. Without the
/// variable every test is reported as skipped, never as passed.
/// </summary>
public sealed class MongoReconcileStateContractTests : ReconcileStateContract
{
    private readonly string _database = $"mofa_test_{Guid.NewGuid():N}";

    protected override void SkipUnlessAvailable() => Skip.If(MongoMirrorStoreContractTests.Url is null, MongoMirrorStoreContractTests.SkipReason);

    protected override IReconcileStateStore CreateStore() =>
        new MongoReconcileStateStore(new MongoStoreOptions { ConnectionString = MongoMirrorStoreContractTests.Url!, Database = _database });

    protected override async Task<bool> DatabaseHoldsAnythingAsync()
    {
        using var client = new MongoClient(MongoMirrorStoreContractTests.Url);
        using var names = await client.GetDatabase(_database).ListCollectionNamesAsync(cancellationToken: Ct);
        return (await names.ToListAsync(Ct)).Count > 0;
    }

    protected override async Task DestroyAsync()
    {
        using var client = new MongoClient(MongoMirrorStoreContractTests.Url);
        await client.DropDatabaseAsync(_database);
    }
}
