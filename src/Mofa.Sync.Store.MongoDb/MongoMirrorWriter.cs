using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Envelope;
using static Mofa.Sync.Store.MongoDb.MongoDocumentMapper;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The conditional writes as single MongoDB operations, no transaction:
/// <list type="bullet">
/// <item>write-if-newer is one upsert whose filter carries the check, {_id: key, version: {$lt: v}}.
///   When the document exists with a version ≥ v the filter matches nothing, the upsert tries to
///   insert a second document with that _id and the server answers E11000 (duplicate key): the
///   write lost, and one read of the version tells a duplicate (equal) from a stale event (older).
///   A version found older than v means the document was inserted by a concurrent writer between
///   our match and our insert: the upsert is simply tried again;</item>
/// <item>the reads that decide (a parent's tombstone, the version after a duplicate key) go to the primary with read
///   concern local, and every write waits for w: majority, j: true: the collections carry MongoStoreConnection's settings;</item>
/// <item>the update is a pipeline that keeps only _id, site, courseId and userId and sets the rest, so
///   fields of the previous state (a live document's data when it becomes a tombstone) do not
///   survive; every value goes in through $literal, so a name like "$price" stays a string.</item>
/// </list>
/// A change's record is the store's (<paramref name="recordChange"/>: MongoMirrorStore, on its notification collections).
/// </summary>
internal sealed class MongoMirrorWriter(
    Func<MirrorCollection, IMongoCollection<BsonDocument>> collections,
    Func<ContentChange, CancellationToken, Task> recordChange) : IMirrorWriter
{
    /// <summary>How often a write-if-newer is retried when a concurrent insert of the same key wins the race.</summary>
    private const int MaxAttempts = 5;

    private static readonly UpdateOptions Upsert = new() { IsUpsert = true };

    public Task<WriteOutcome> UpsertIfNewerAsync(MirrorDocument document, CancellationToken ct) =>
        WriteIfNewerAsync(document.Collection, document.Key, document.Site, document.CourseId, document.UserId, document.Version,
            deleted: false, DataFields(document.Data, document.CourseId, document.UserId), ct);

    public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, CancellationToken ct) =>
        TombstoneIfNewerAsync(target, site, courseId, userId, version, deletedName: null, ct);

    /// <summary>The name, if any, is the tombstone's one field besides the envelope (no transaction: a redelivery may need it).</summary>
    public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, string? deletedName, CancellationToken ct) =>
        WriteIfNewerAsync(target.Collection, target.Key, site, courseId, userId, version, deleted: true,
            deletedName is null ? [] : new BsonDocument(DeletedName, deletedName), ct);

    /// <summary>
    /// A read first: a parent that exists (live, tombstone or placeholder) needs no write, and a read from
    /// the primary does not wait for a majority as even a no-op upsert does. Only an absent parent is upserted.
    /// </summary>
    public async Task EnsurePlaceholderAsync(DocumentRef target, string site, long? courseId, CancellationToken ct)
    {
        var collection = collections(target.Collection);
        if (await collection.Find(new BsonDocument(Id, target.Key)).Project(new BsonDocument(Id, 1)).Limit(1).AnyAsync(ct)) return;
        var onInsert = new BsonDocument
        {
            { Site, site },
            { CourseId, courseId.HasValue ? new BsonInt64(courseId.Value) : BsonNull.Value, courseId.HasValue },
            { VersionField, EventVersion.Placeholder },
            { Deleted, false },
            { Placeholder, true },
            { UpdatedAt, Now() },
        };
        try
        {
            await collection.UpdateOneAsync(new BsonDocument(Id, target.Key), new BsonDocument("$setOnInsert", onInsert), Upsert, ct);
        }
        catch (Exception ex) when (IsDuplicateKey(ex))
        {
            // A concurrent writer created the document first: there is something under that key, which is all we wanted.
        }
    }

    public async Task<int> TombstoneChildrenAsync(ChildSelector children, string version, CancellationToken ct)
    {
        var filter = new BsonDocument
        {
            { Site, children.Site },
            children.CourseId is not null ? new BsonElement(CourseId, children.CourseId.Value) : new BsonElement(UserId, children.UserId ?? throw new ArgumentException("a child selector needs a course or a user id", nameof(children))),
            { VersionField, new BsonDocument("$lt", version) },
        };
        var result = await collections(children.Collection).UpdateManyAsync(
            filter, Replace(site: null, courseId: null, userId: null, version, deleted: true, data: []), cancellationToken: ct);
        return (int)result.ModifiedCount;
    }

    public async Task<string?> GetTombstoneVersionAsync(DocumentRef target, CancellationToken ct)
    {
        var found = await collections(target.Collection)
            .Find(new BsonDocument { { Id, target.Key }, { Deleted, true } })
            .Project(new BsonDocument { { VersionField, 1 } })
            .FirstOrDefaultAsync(ct);
        return found?[VersionField].AsString;
    }

    public async Task<MirrorDocument?> GetAsync(DocumentRef target, CancellationToken ct)
    {
        var found = await collections(target.Collection).Find(new BsonDocument(Id, target.Key)).FirstOrDefaultAsync(ct);
        return found is null ? null : FromBson(target.Collection, found);
    }

    public Task RecordChangeAsync(ContentChange change, CancellationToken ct) => recordChange(change, ct);

    public async Task<IReadOnlyList<MirrorDocument>> ListChildrenAsync(ChildSelector children, CancellationToken ct)
    {
        var filter = new BsonDocument
        {
            { Site, children.Site },
            children.CourseId is not null ? new BsonElement(CourseId, children.CourseId.Value) : new BsonElement(UserId, children.UserId ?? throw new ArgumentException("a child selector needs a course or a user id", nameof(children))),
        };
        var found = await collections(children.Collection).Find(filter).Sort(new BsonDocument(Id, 1)).ToListAsync(ct);
        return found.Select(d => FromBson(children.Collection, d)).ToList();
    }

    private async Task<WriteOutcome> WriteIfNewerAsync(
        MirrorCollection collection, string key, string site, long? courseId, long? userId, string version, bool deleted, BsonDocument data, CancellationToken ct)
    {
        var target = collections(collection);
        var filter = new BsonDocument { { Id, key }, { VersionField, new BsonDocument("$lt", version) } };
        var update = Replace(site, courseId, userId, version, deleted, data);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await target.UpdateOneAsync(filter, update, Upsert, ct);
                // Matched (older version, replaced) or not found (inserted): either way the write landed.
                return WriteOutcome.Applied;
            }
            catch (Exception ex) when (IsDuplicateKey(ex))
            {
                var existing = await target.Find(new BsonDocument(Id, key))
                    .Project(new BsonDocument { { VersionField, 1 } })
                    .FirstOrDefaultAsync(ct);
                var stored = existing?.GetValue(VersionField, BsonNull.Value) is { IsString: true } s ? s.AsString : null;
                if (stored is not null && EventVersion.Compare(stored, version) >= 0
                    && (collection != MirrorCollection.Users || await TouchAsync(target, key, ct)))
                {
                    return stored == version ? WriteOutcome.AlreadyApplied : WriteOutcome.Stale;
                }

                // Gone (purged) or older (a concurrent insert that was older than us): try again.
                if (attempt >= MaxAttempts) throw;
            }
        }
    }

    /// <summary>
    /// A user named by an event that does not change the profile (a role assignment carrying an
    /// older one, a redelivery) is marked seen, so the purge does not take it while its role is
    /// being written (MongoMirrorStore.PurgeUnbackedUsersAsync). False when the document is gone
    /// (purged since the read): the write is then tried again and inserts the profile.
    /// </summary>
    private static async Task<bool> TouchAsync(IMongoCollection<BsonDocument> users, string key, CancellationToken ct)
    {
        var touched = await users.UpdateOneAsync(new BsonDocument(Id, key), new BsonDocument("$set", new BsonDocument(SeenAt, Now())), cancellationToken: ct);
        return touched.MatchedCount > 0;
    }

    /// <summary>
    /// An update pipeline: drop every field but _id, site, courseId and userId (the ones a write
    /// does not name survive it, as in the SQLite store), then set the envelope and the data.
    /// </summary>
    private static PipelineUpdateDefinition<BsonDocument> Replace(
        string? site, long? courseId, long? userId, string version, bool deleted, BsonDocument data) =>
        new(PipelineDefinition<BsonDocument, BsonDocument>.Create(ReplaceStages(site, courseId, userId, version, deleted, data)));

    internal static BsonDocument[] ReplaceStages(string? site, long? courseId, long? userId, string version, bool deleted, BsonDocument data)
    {
        var set = new BsonDocument();
        if (site is not null) set.Add(Site, Literal(site));
        if (courseId is not null) set.Add(CourseId, Literal(new BsonInt64(courseId.Value)));
        if (userId is not null) set.Add(UserId, Literal(new BsonInt64(userId.Value)));
        set.Add(VersionField, Literal(version));
        set.Add(Deleted, Literal(deleted));
        set.Add(Placeholder, Literal(false));
        set.Add(UpdatedAt, Literal(Now()));
        foreach (var field in data) set.Add(field.Name, Literal(field.Value));

        var keep = new BsonDocument { { Site, 1 }, { CourseId, 1 }, { UserId, 1 } };
        return [new BsonDocument("$project", keep), new BsonDocument("$set", set)];
    }

    private static BsonDocument Literal(BsonValue value) => new("$literal", value);

    /// <summary>Now, at the millisecond (a BSON date's precision), from this process's clock as in the SQLite store.</summary>
    internal static BsonDateTime Now() => new(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    internal static bool IsDuplicateKey(Exception ex) => ex switch
    {
        MongoDuplicateKeyException => true,
        MongoWriteException w => w.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException b => b.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };
}
