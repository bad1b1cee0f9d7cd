using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using static Mofa.Sync.Store.MongoDb.MongoDocumentMapper;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The MongoDB store (docs/mongodb.md): one collection per <see cref="MirrorCollection"/>, each
/// conditional write one single-document operation. No transactions, so it runs on a standalone
/// server as well as on a replica set; the apply rules are idempotent step by step, so a crash
/// between two writes of one event is repaired by the redelivery. Its client (MongoStoreConnection)
/// is shared with the notification store and sets the durability: w: majority, j: true, primary reads.
/// The changes the events make are recorded (the change outbox, <see cref="ChangeOutboxSettings"/>)
/// as the last step of each event's writes, idempotently by the change's id.
/// </summary>
public sealed class MongoMirrorStore : IMirrorStore
{
    private const int PurgeBatch = 500;

    private readonly ILogger _logger;
    private readonly MongoStoreConnection _connection;
    private readonly Dictionary<MirrorCollection, IMongoCollection<BsonDocument>> _collections;
    private readonly MongoMirrorWriter _writer;
    private readonly ChangeOutboxSettings _outbox;

    /// <summary>The notification records on this database, which the changes are recorded into.</summary>
    private readonly MongoNotificationStore _records;

    /// <param name="outbox">Whether the writes record the changes they make, and into digests of which window; none: <see cref="ChangeOutboxSettings.Off"/>.</param>
    public MongoMirrorStore(MongoStoreOptions options, ILogger<MongoMirrorStore> logger, ChangeOutboxSettings? outbox = null)
        : this(new MongoStoreConnection(options), logger, outbox)
    {
    }

    /// <summary>The store on <paramref name="connection"/>, which it owns (disposes) from now on.</summary>
    internal MongoMirrorStore(MongoStoreConnection connection, ILogger<MongoMirrorStore> logger, ChangeOutboxSettings? outbox = null)
    {
        _logger = logger;
        _connection = connection;
        _outbox = outbox ?? ChangeOutboxSettings.Off;
        _collections = MirrorCollectionNames.All.ToDictionary(c => c, c => connection.Collection(MirrorCollectionNames.NameOf(c)));
        _records = new MongoNotificationStore(connection, ownsConnection: false, DueDigests);
        _writer = new MongoMirrorWriter(c => _collections[c], RecordChangeAsync);
    }

    public string Kind => "mongodb";

    /// <summary>No transactions: a crash between two writes of an event is completed by its redelivery.</summary>
    public bool WritesAreAtomic => false;

    /// <summary>The server without credentials or options, e.g. mongodb://db1:27017,db2:27017 — safe to log.</summary>
    public string Server => _connection.Server;

    /// <summary>Set once a change recorded into a digest due at once is written (waited on through the notification store).</summary>
    internal DueDigestSignal DueDigests { get; } = new();

    /// <summary>The client, shared with the notification store on the same database.</summary>
    internal MongoStoreConnection Connection => _connection;

    /// <summary>The collection the writer uses for <paramref name="collection"/> (its settings are the store's durability).</summary>
    internal IMongoCollection<BsonDocument> CollectionOf(MirrorCollection collection) => _collections[collection];

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _connection.PingOrExplainAsync(ct);
        await _connection.StartupStepAsync("Creating the mirror's indexes", async () =>
        {
            await _connection.RequireSimpleCollationAsync(MirrorCollectionNames.All.Select(MirrorCollectionNames.NameOf), ct);
            foreach (var (collection, indexes) in Indexes())
            {
                await _collections[collection].Indexes.CreateManyAsync(indexes, ct);
            }
        }, ct);

        _logger.LogInformation("MongoDB mirror store ready: database {Database} on {Server}, writes acknowledged with {WriteConcern}",
            _connection.DatabaseName, _connection.Server, _connection.WriteConcern.ToString());
    }

    /// <summary>No transaction: the work's writes are single-document operations, each acknowledged (majority, journaled: docs/mongodb.md) when its task completes.</summary>
    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) => work(_writer, ct);

    /// <summary>
    /// The writer's record of a change: after the event's mirror writes, one more step that a redelivery repeats
    /// (AlreadyApplied is recorded again, WritesAreAtomic being false) and that finds the change by its id.
    /// </summary>
    private async Task RecordChangeAsync(ContentChange change, CancellationToken ct)
    {
        if (!_outbox.Records) return;
        await _records.RecordAsync(DigestChange.Of(change), _outbox.DigestWindow, DateTimeOffset.UtcNow, ct);
        if (_outbox.DueAtOnce) DueDigests.Set();
    }

    public async Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct)
    {
        var docs = await _collections[collection].Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(new BsonDocument(Id, 1))
            .ToListAsync(ct);
        return docs.Select(d => FromBson(collection, d)).ToList();
    }

    public async Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        var cut = new BsonDateTime(olderThan.ToUnixTimeMilliseconds());
        long purged = 0;
        foreach (var c in MirrorCollectionNames.All)
        {
            var result = await _collections[c].DeleteManyAsync(
                new BsonDocument { { Deleted, true }, { UpdatedAt, new BsonDocument("$lt", cut) } }, ct);
            purged += result.DeletedCount;
        }

        purged += await PurgeUnbackedUsersAsync(cut, ct);
        return (int)purged;
    }

    /// <summary>
    /// Ready when a majority can acknowledge a write (MongoStoreConnection.WriteHeartbeatAsync), not merely when a
    /// primary answers: with the secondaries down a ping succeeds while every w: majority write waits.
    /// </summary>
    public async Task PingAsync(CancellationToken ct)
    {
        try
        {
            await _connection.WriteHeartbeatAsync(ct);
        }
        catch (Exception ex) when (ex is MongoWriteConcernException or MongoWriteException { WriteConcernError: not null })
        {
            // The CRUD API reports a write concern error as MongoWriteException, a command as MongoWriteConcernException.
            throw new InvalidOperationException(
                $"MongoDB on {Server} cannot take writes: the heartbeat write was not acknowledged with {_connection.WriteConcern.W} " +
                $"within {MongoStoreConnection.ReadinessWriteTimeout.TotalSeconds:0} s (members down or far behind?): {Redact(Reason(ex))}");
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new InvalidOperationException($"MongoDB on {Server} does not answer: {Redact(Reason(ex))}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// User minimisation: a profile written and last named before the cut that no live teacher
    /// role backs. Without a transaction the lookup of the roles and the delete are two steps, so
    /// the delete repeats a guard that a concurrent role assignment is sure to have changed: the
    /// role's event writes its user (which sets updatedAt, or seenAt when the profile is not newer,
    /// see MongoMirrorWriter) <em>before</em> the role. A role written after the lookup therefore
    /// either had its user touched before the delete (the delete skips it), or comes after the
    /// delete, and then its user write found no document and inserted the profile again. Streamed
    /// in batches: the candidates are never all in memory.
    /// </summary>
    private async Task<long> PurgeUnbackedUsersAsync(BsonDateTime cut, CancellationToken ct)
    {
        var users = _collections[MirrorCollection.Users];
        var roles = _collections[MirrorCollection.TeacherRoles];
        var options = new FindOptions<BsonDocument, BsonDocument>
        {
            Projection = new BsonDocument { { Site, 1 }, { UserId, 1 } },
            BatchSize = PurgeBatch,
        };

        long purged = 0;
        using var candidates = await users.FindAsync(NotNamedSince(cut), options, ct);
        while (await candidates.MoveNextAsync(ct))
        {
            var unbacked = new BsonArray();
            foreach (var site in candidates.Current.GroupBy(u => u.GetValue(Site, BsonNull.Value)))
            {
                var ids = new BsonArray(site.Where(u => u.GetValue(UserId, BsonNull.Value).IsNumeric).Select(u => u[UserId]).Distinct());
                var backed = (await roles.Find(new BsonDocument { { Site, site.Key }, { UserId, new BsonDocument("$in", ids) }, { Deleted, false } })
                        .Project(new BsonDocument { { Id, 0 }, { UserId, 1 } })
                        .ToListAsync(ct))
                    .Select(r => r[UserId].ToInt64())
                    .ToHashSet();
                foreach (var user in site)
                {
                    var userId = user.GetValue(UserId, BsonNull.Value);
                    if (!userId.IsNumeric || !backed.Contains(userId.ToInt64())) unbacked.Add(user[Id]);
                }
            }

            if (unbacked.Count == 0) continue;
            var filter = NotNamedSince(cut);
            filter.Add(Id, new BsonDocument("$in", unbacked));
            purged += (await users.DeleteManyAsync(filter, ct)).DeletedCount;
        }

        return purged;
    }

    /// <summary>A user document neither written nor named by an event since the cut (the purge's guard).</summary>
    private static BsonDocument NotNamedSince(BsonDateTime cut) => new()
    {
        { UpdatedAt, new BsonDocument("$lt", cut) },
        { "$or", new BsonArray { new BsonDocument(SeenAt, new BsonDocument("$exists", false)), new BsonDocument(SeenAt, new BsonDocument("$lt", cut)) } },
    };

    /// <summary>
    /// Indexes, created idempotently by name (docs/mongodb.md, "Indexes"). _id is the key, so a
    /// document's own writes need no other index.
    /// </summary>
    private static IEnumerable<(MirrorCollection, CreateIndexModel<BsonDocument>[])> Indexes()
    {
        static CreateIndexModel<BsonDocument> Index(string name, BsonDocument keys) =>
            new(new BsonDocumentIndexKeysDefinition<BsonDocument>(keys), new CreateIndexOptions { Name = name });

        foreach (var c in MirrorCollectionNames.All)
        {
            var indexes = new List<CreateIndexModel<BsonDocument>>
            {
                // "what changed since t" (readers) and the purge (deleted: true, updatedAt < cut).
                Index("updatedAt", new BsonDocument(UpdatedAt, 1)),
                Index("deleted_updatedAt", new BsonDocument { { Deleted, 1 }, { UpdatedAt, 1 } }),
            };
            switch (c)
            {
                case MirrorCollection.Courses:
                    indexes.Add(Index("site_courseId", new BsonDocument { { Site, 1 }, { CourseId, 1 } }));
                    break;
                case MirrorCollection.Modules:
                    // A course's modules, of one kind; its prefix (site, courseId) serves the course delete cascade.
                    indexes.Add(Index("site_courseId_kind", new BsonDocument { { Site, 1 }, { CourseId, 1 }, { "kind", 1 } }));
                    break;
                case MirrorCollection.Users:
                    indexes.Add(Index("site_userId", new BsonDocument { { Site, 1 }, { UserId, 1 } }));
                    break;
                case MirrorCollection.TeacherRoles:
                    // The teachers of a course; a user's roles (user delete cascade, minimisation join, purge).
                    indexes.Add(Index("site_courseId", new BsonDocument { { Site, 1 }, { CourseId, 1 } }));
                    indexes.Add(Index("site_userId", new BsonDocument { { Site, 1 }, { UserId, 1 } }));
                    break;
                case MirrorCollection.Quizzes:
                    indexes.Add(Index("site_courseId", new BsonDocument { { Site, 1 }, { CourseId, 1 } }));
                    break;
            }

            yield return (c, indexes.ToArray());
        }
    }

    internal static string DescribeServer(MongoUrl url) => MongoStoreConnection.DescribeServer(url);

    /// <summary>A driver message with anything that could carry the credentials removed.</summary>
    internal string Redact(string message) => _connection.Redact(message);

    internal static string Reason(Exception ex) => MongoStoreConnection.Reason(ex);
}
