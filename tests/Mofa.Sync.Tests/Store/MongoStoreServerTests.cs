using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Store.MongoDb;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// What only a real server shows, beyond the store contract: the commands the store sends carry
/// its write and read concerns whatever the connection string says, readiness is a majority write, the server enforces one
/// current digest per course, and — on a replica set (MOFASYNC_TEST_MONGODB_REPLSET_URL, see
/// docs/mongodb.md for the three local nodes) — an acknowledged write is majority-committed and a
/// connection string asking for secondary reads cannot make the store miss a fresh tombstone.
/// Skipped, with the reason, when the variable is not set.
/// </summary>
public sealed class MongoStoreServerTests : IAsyncLifetime
{
    public const string ReplicaSetVariable = "MOFASYNC_TEST_MONGODB_REPLSET_URL";
    public const string ReplicaSetSkipReason = "MOFASYNC_TEST_MONGODB_REPLSET_URL is not set: no MongoDB replica set to test against";

    /// <summary>What a connection string shared with the mirror's readers might ask for: weaker writes, reads from secondaries.</summary>
    private const string ReaderOptions = "w=1&readPreference=secondaryPreferred&readConcernLevel=majority";

    private static readonly ISet<string> TeacherRoles = new HashSet<string>(StringComparer.Ordinal) { "editingteacher" };

    private readonly string _database = $"mofa_test_{Guid.NewGuid():N}";
    private readonly List<string> _urls = [];

    private static string? ReplicaSetUrl => Environment.GetEnvironmentVariable(ReplicaSetVariable) is { Length: > 0 } url ? url : null;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var url in _urls.Distinct())
        {
            using var client = new MongoClient(url);
            await client.DropDatabaseAsync(_database);
        }
    }

    private MongoMirrorStore Open(string url, Action<MongoClientSettings>? configure = null)
    {
        _urls.Add(url);
        return new MongoMirrorStore(
            new MongoStoreConnection(new MongoStoreOptions { ConnectionString = WithOptions(url, ReaderOptions), Database = _database }, configure),
            NullLogger<MongoMirrorStore>.Instance);
    }

    internal static string WithOptions(string url, string options)
    {
        if (url.Contains('?', StringComparison.Ordinal)) return $"{url}&{options}";
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        return url.IndexOf('/', afterScheme) >= 0 ? $"{url}?{options}" : $"{url}/?{options}";
    }

    [SkippableFact]
    public async Task Every_command_carries_majority_journaled_writes_and_local_primary_reads_whatever_the_connection_string_says()
    {
        Skip.If(MongoMirrorStoreContractTests.Url is null, MongoMirrorStoreContractTests.SkipReason);
        var commands = new ConcurrentQueue<(string Name, BsonDocument Command)>();
        await using var store = Open(MongoMirrorStoreContractTests.Url!,
            s => s.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e => commands.Enqueue((e.CommandName, e.Command.DeepClone().AsBsonDocument))));
        await store.InitializeAsync(CancellationToken.None);
        await using var notifications = new MongoNotificationStore(store);
        await notifications.InitializeAsync(CancellationToken.None);

        var f = new EventFactory();
        var applier = new MirrorApplier(store, TeacherRoles);
        var created = f.ModuleCreated(2, 1, 10, "assign", 100, "Essay");
        // A write, a parent's tombstone check (find), a redelivery (duplicate key, then the read of the stored version), a purge.
        foreach (var e in new MoodleEvent[] { f.CourseCreated(1, 1), created, created, f.RoleAssigned(3, 1, 7), f.CourseDeleted(4, 1) })
        {
            await applier.ApplyAnyAsync(e, CancellationToken.None);
        }

        await store.PurgeTombstonesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        var writes = commands.Where(c => c.Name is "update" or "insert" or "delete" or "findAndModify").ToList();
        var reads = commands.Where(c => c.Name is "find" or "aggregate" or "distinct").ToList();
        Assert.NotEmpty(writes);
        Assert.NotEmpty(reads);
        Assert.All(writes, c =>
        {
            var concern = c.Command.GetValue("writeConcern", BsonNull.Value);
            Assert.True(concern.IsBsonDocument, $"{c.Name} without a write concern: {c.Command}");
            Assert.Equal("majority", concern["w"].AsString);
            Assert.True(concern["j"].ToBoolean(), c.Command.ToString());
            Assert.Equal(MongoStoreConnection.DefaultWriteTimeout.TotalMilliseconds, concern["wtimeout"].ToDouble());
        });
        Assert.All(reads, c =>
        {
            Assert.Equal("local", c.Command["readConcern"]["level"].AsString);
            if (c.Command.TryGetValue("$readPreference", out var preference)) Assert.Equal("primary", preference["mode"].AsString);
        });
    }

    [SkippableFact]
    public async Task Readiness_writes_its_heartbeat_with_the_majority_write_concern_within_its_own_timeout()
    {
        Skip.If(MongoMirrorStoreContractTests.Url is null, MongoMirrorStoreContractTests.SkipReason);
        var commands = new ConcurrentQueue<BsonDocument>();
        await using var store = Open(MongoMirrorStoreContractTests.Url!,
            s => s.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e => commands.Enqueue(e.Command.DeepClone().AsBsonDocument)));
        await store.InitializeAsync(CancellationToken.None);

        await store.PingAsync(CancellationToken.None);
        await store.PingAsync(CancellationToken.None);

        var heartbeats = commands.Where(c => c.GetValue("update", BsonNull.Value) == MongoStoreConnection.HeartbeatCollection).ToList();
        Assert.Equal(2, heartbeats.Count);
        Assert.All(heartbeats, c =>
        {
            Assert.Equal("majority", c["writeConcern"]["w"].AsString);
            Assert.Equal(MongoStoreConnection.ReadinessWriteTimeout.TotalMilliseconds, c["writeConcern"]["wtimeout"].ToDouble());
        });
        using var reader = new MongoClient(MongoMirrorStoreContractTests.Url);
        var heartbeat = await reader.GetDatabase(_database).GetCollection<BsonDocument>(MongoStoreConnection.HeartbeatCollection).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.Equal("readiness", Assert.Single(heartbeat)["_id"].AsString);
    }

    [SkippableFact]
    public async Task The_server_enforces_one_current_digest_per_course()
    {
        Skip.If(MongoMirrorStoreContractTests.Url is null, MongoMirrorStoreContractTests.SkipReason);
        await using var store = Open(MongoMirrorStoreContractTests.Url!);
        await using var notifications = new MongoNotificationStore(store);
        await notifications.InitializeAsync(CancellationToken.None);

        BsonDocument Digest(bool current) => new()
        {
            { "_id", Guid.NewGuid().ToString("N") }, { "site", "https://moodle.example.edu" }, { "courseId", 42L }, { "state", "open" }, { "current", current },
        };
        await notifications.Digests.InsertOneAsync(Digest(current: true));
        await notifications.Digests.InsertOneAsync(Digest(current: false));
        var second = await Assert.ThrowsAsync<MongoWriteException>(() => notifications.Digests.InsertOneAsync(Digest(current: true)));
        Assert.True(MongoMirrorWriter.IsDuplicateKey(second), second.Message);
    }

    [SkippableFact]
    public async Task On_a_replica_set_every_acknowledged_write_is_majority_committed()
    {
        Skip.If(ReplicaSetUrl is null, ReplicaSetSkipReason);
        await using var store = Open(ReplicaSetUrl!);
        await store.InitializeAsync(CancellationToken.None);
        var applier = new MirrorApplier(store, TeacherRoles);
        using var reader = new MongoClient(ReplicaSetUrl);
        // Majority read concern sees only what a majority has: what a failover cannot roll back.
        var courses = reader.GetDatabase(_database).GetCollection<BsonDocument>("courses")
            .WithReadPreference(ReadPreference.Primary).WithReadConcern(ReadConcern.Majority);

        var f = new EventFactory();
        for (long course = 1; course <= 200; course++)
        {
            Assert.Equal(ApplyOutcome.Applied, (await applier.ApplyAsync(f.CourseCreated(1, course), CancellationToken.None)).Outcome);
            var committed = await courses.Find(new BsonDocument("_id", MirrorKeys.Course(f.Site, course).Key)).AnyAsync();
            Assert.True(committed, $"course {course} was acknowledged but is not majority-committed");
        }
    }

    [SkippableFact]
    public async Task On_a_replica_set_secondary_reads_in_the_connection_string_never_hide_a_fresh_tombstone()
    {
        Skip.If(ReplicaSetUrl is null, ReplicaSetSkipReason);
        await using var store = Open(ReplicaSetUrl!);
        await store.InitializeAsync(CancellationToken.None);
        var applier = new MirrorApplier(store, TeacherRoles);

        var f = new EventFactory();
        for (long course = 1; course <= 200; course++)
        {
            // The delete lands first; the module's older create must find its tombstone at once (a secondary may not have it yet).
            await applier.ApplyAsync(f.CourseDeleted(5, course), CancellationToken.None);
            await applier.ApplyAsync(f.ModuleCreated(1, course, 1000 + course, "assign", course, "Essay"), CancellationToken.None);
            var module = (await store.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Single(m => m.Key == MirrorKeys.Module(f.Site, 1000 + course).Key);
            Assert.True(module.Deleted, $"module {1000 + course} stayed live under the deleted course {course}");
        }

        // Concurrent deliveries: the read after a duplicate key sees the stored version at once.
        var e = f.CourseCreated(10, 5000);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => applier.ApplyAsync(e, CancellationToken.None))));
        Assert.Single(outcomes, o => o.Outcome == ApplyOutcome.Applied);
        Assert.Equal(7, outcomes.Count(o => o.Outcome == ApplyOutcome.AlreadyApplied));
    }
}
