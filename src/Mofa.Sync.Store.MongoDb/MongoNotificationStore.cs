using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The notifications in the mirror's MongoDB database: collections notificationDigests,
/// notifications and notificationDeliveries; recipients are read from the mirror's teacherRoles.
/// No transactions (a standalone server must do): each step is one single-document atomic
/// operation and the sequence is safe to repeat —
/// <list type="bullet">
/// <item>a notification's data is inserted under its id once (a duplicate key means recorded before);</item>
/// <item>a digest lists its notifications itself (notificationIds): a notification joins it by one conditional
///   update that holds only while the digest accepts ({accepting: true}); the close, the flush's dispatch mark and
///   the end of the window turn accepting off in one update, so whatever the close returns is the whole digest and a
///   notification that comes after it joins another digest — never neither;</item>
/// <item>a course has at most one current digest (the one new notifications join): a partial unique index on
///   (site, courseId) where current is true; a concurrent first notification that loses the insert joins the winner's;</item>
/// <item>the notification's digestId says which digest it goes to; it is moved by a conditional update (from what was
///   read), so concurrent deliveries of one notification put it into one digest;</item>
/// <item>the close fixes the recipients with one conditional write (only while the digest has none), and makes the delivery
///   records from that stored list: two closers, or a close repeated after a crash, agree on one list;</item>
/// <item>a delivery record is claimed by one conditional update (pending|retry → sending) that marks it with the caller's token,
///   so only one caller sends it.</item>
/// </list>
/// </summary>
public sealed class MongoNotificationStore : INotificationStore
{
    private const string Open = "open";
    private const string Closed = "closed";

    /// <summary>A closed digest's recipients, fixed by its first close (the delivery records are made from it).</summary>
    private const string RecipientIds = "recipientIds";

    /// <summary>On a delivery record: the ClaimAsync call that holds it (state sending).</summary>
    private const string ClaimToken = "claim";

    /// <summary>How many times a record looks again after losing a race (a close, a concurrent delivery, a concurrent first digest).</summary>
    private const int MaxAttempts = 10;

    /// <summary>A digest takes at most this many notifications, then the next one opens a new digest (a MongoDB document holds 16 MB).</summary>
    public const int MaxNotificationsPerDigest = 5000;

    private static readonly string Full = $"notificationIds.{MaxNotificationsPerDigest - 1}";

    /// <summary>A digest without its (long) list of notifications, which the close has read already.</summary>
    private static readonly BsonDocument WithoutNotificationIds = new("notificationIds", 0);

    private readonly MongoStoreConnection _connection;
    private readonly bool _ownsConnection;
    private readonly DueDigestSignal _dueDigests;
    private readonly IMongoCollection<BsonDocument> _digests;
    private readonly IMongoCollection<BsonDocument> _notifications;
    private readonly IMongoCollection<BsonDocument> _deliveries;
    private readonly IMongoCollection<BsonDocument> _teacherRoles;
    private readonly IMongoCollection<BsonDocument> _courses;

    /// <summary>On its own client (for `mofa-sync notifications`), disposed with the store.</summary>
    public MongoNotificationStore(MongoStoreOptions options)
        : this(new MongoStoreConnection(options), ownsConnection: true, new DueDigestSignal())
    {
    }

    /// <summary>On the mirror store's client (the service): one client for both; the mirror store disposes it.</summary>
    public MongoNotificationStore(MongoMirrorStore mirror)
        : this((mirror ?? throw new ArgumentNullException(nameof(mirror))).Connection, ownsConnection: false, mirror.DueDigests)
    {
    }

    /// <param name="dueDigests">Set by the mirror store whose writes record changes on this database (a store on its own: never).</param>
    internal MongoNotificationStore(MongoStoreConnection connection, bool ownsConnection, DueDigestSignal dueDigests)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _dueDigests = dueDigests;
        _digests = connection.Collection("notificationDigests");
        _notifications = connection.Collection("notifications");
        _deliveries = connection.Collection("notificationDeliveries");
        _teacherRoles = connection.Collection("teacherRoles");
        _courses = connection.Collection("courses");
    }

    /// <summary>The digests' collection, for tests that look at what is stored.</summary>
    internal IMongoCollection<BsonDocument> Digests => _digests;

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _connection.PingOrExplainAsync(ct);
        await _connection.StartupStepAsync("Creating the notifications' indexes", async () =>
        {
            await _connection.RequireSimpleCollationAsync(["notificationDigests", "notifications", "notificationDeliveries"], ct);
            await _digests.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>(new BsonDocument { { "site", 1 }, { "courseId", 1 }, { "state", 1 } }),
                new CreateIndexModel<BsonDocument>(new BsonDocument { { "dispatchedAt", 1 }, { "dueAt", 1 } }),
                CurrentDigestIndex(),
            ], ct);
            await _notifications.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>(new BsonDocument("digestId", 1)),
                new CreateIndexModel<BsonDocument>(new BsonDocument { { "receivedAt", -1 }, { "_id", 1 } }),
            ], ct);
            await _deliveries.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument { { "digestId", 1 }, { "state", 1 } }), cancellationToken: ct);
        }, ct);
    }

    /// <summary>At most one current digest per course: unique on (site, courseId) among the digests with current: true.</summary>
    internal static CreateIndexModel<BsonDocument> CurrentDigestIndex() => new(
        new BsonDocument { { "site", 1 }, { "courseId", 1 } },
        new CreateIndexOptions<BsonDocument>
        {
            Name = "one_current_digest_per_course",
            Unique = true,
            PartialFilterExpression = new BsonDocument("current", true),
        });

    /// <remarks>
    /// Also the record of an event's change (MongoMirrorStore.RecordChangeAsync): the mirror's MongoDB writes share
    /// no transaction, so the record is one more idempotent step of the event, completed by a redelivery if the service dies.
    /// </remarks>
    public async Task<RecordedNotification> RecordAsync(DigestChange change, TimeSpan window, DateTimeOffset now, CancellationToken ct)
    {
        var n = change;
        var at = now.ToUnixTimeMilliseconds();
        // 1. The data, once. Inserted before it joins any digest, so a close always finds what it lists.
        var isNew = await InsertDataAsync(n, at, ct);

        // 2. Its digest: the one it went to, or the course's current one (a new one when there is none).
        string? claim = null;
        var claimRead = !isNew;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (claimRead)
            {
                var doc = await _notifications.Find(new BsonDocument("_id", n.ChangeId)).Project(new BsonDocument("digestId", 1)).FirstOrDefaultAsync(ct);
                claim = doc?.GetValue("digestId", BsonNull.Value) is { IsString: true } d ? d.AsString : null;
            }

            claimRead = true;
            if (claim is not null && await JoinOrHoldsAsync(claim, n.ChangeId, ct))
            {
                return new RecordedNotification(claim, isNew);
            }

            // No digest yet, or its digest closed before it joined (it is not in it): move it to the current one,
            // from exactly the claim read, so that two deliveries moving it concurrently agree on one digest.
            var target = await CurrentDigestAsync(n.Site, n.CourseId, window, at, ct);
            var moved = await _notifications.UpdateOneAsync(
                new BsonDocument { { "_id", n.ChangeId }, { "digestId", (BsonValue?)claim ?? BsonNull.Value } },
                new BsonDocument("$set", new BsonDocument("digestId", target)), cancellationToken: ct);
            if (moved.MatchedCount == 0) continue;
            claim = target;
            claimRead = false;
            if (await JoinAsync(target, n.ChangeId, ct)) return new RecordedNotification(target, isNew);
        }

        throw new InvalidOperationException(
            $"Notification {n.ChangeId} of course {n.CourseId} could not join a digest after {MaxAttempts} attempts (digests closing as fast as they open)");
    }

    /// <summary>Inserts the notification's data under its id; false when it was there already (a redelivery).</summary>
    private async Task<bool> InsertDataAsync(DigestChange n, long at, CancellationToken ct)
    {
        var data = new BsonDocument
        {
            { "digestId", BsonNull.Value }, { "site", n.Site }, { "courseId", n.CourseId }, { "kind", n.Kind },
            { "cmId", n.CmId }, { "moduleKind", n.ModuleKind }, { "itemName", (BsonValue?)n.ItemName ?? BsonNull.Value },
            { "itemUrl", (BsonValue?)n.ItemUrl ?? BsonNull.Value }, { "eventId", n.EventId }, { "timeCreated", n.TimeCreated }, { "receivedAt", at },
        };
        try
        {
            var result = await _notifications.UpdateOneAsync(new BsonDocument("_id", n.ChangeId), new BsonDocument("$setOnInsert", data),
                new UpdateOptions { IsUpsert = true }, ct);
            return result.UpsertedId is not null;
        }
        catch (Exception ex) when (MongoMirrorWriter.IsDuplicateKey(ex))
        {
            // A concurrent delivery inserted it between our match and our insert.
            return false;
        }
    }

    /// <summary>Adds the notification to the digest while the digest accepts; true when it is in it (now or before).</summary>
    private async Task<bool> JoinOrHoldsAsync(string digestId, string notificationId, CancellationToken ct) =>
        await JoinAsync(digestId, notificationId, ct)
        || await _digests.Find(new BsonDocument { { "_id", digestId }, { "notificationIds", notificationId } }).Limit(1).AnyAsync(ct);

    /// <summary>The atomic join: one conditional update on the digest; after its close (accepting: false) it matches nothing.</summary>
    private async Task<bool> JoinAsync(string digestId, string notificationId, CancellationToken ct)
    {
        var joined = await _digests.UpdateOneAsync(
            new BsonDocument { { "_id", digestId }, { "state", Open }, { "accepting", true }, { Full, new BsonDocument("$exists", false) } },
            new BsonDocument("$addToSet", new BsonDocument("notificationIds", notificationId)), cancellationToken: ct);
        return joined.MatchedCount > 0;
    }

    /// <summary>
    /// The course's current digest, or a new one due at now + window. With a zero window every
    /// notification gets a digest of its own (never current: nobody else joins it).
    /// </summary>
    private async Task<string> CurrentDigestAsync(string site, long courseId, TimeSpan window, long at, CancellationToken ct)
    {
        if (window <= TimeSpan.Zero) return await NewDigestAsync(site, courseId, window, at, current: false, ct);

        for (var attempt = 1; ; attempt++)
        {
            var current = await _digests.Find(new BsonDocument
                {
                    { "site", site }, { "courseId", courseId }, { "current", true }, { "accepting", true },
                    { "dueAt", new BsonDocument("$gt", at) }, { Full, new BsonDocument("$exists", false) },
                })
                .Project(new BsonDocument("_id", 1)).FirstOrDefaultAsync(ct);
            if (current is not null) return current["_id"].AsString;

            // The current digest (if any) is past its window, dispatched or full: it stops taking notifications
            // (it is still delivered), and a new one becomes current. A fresh one made meanwhile matches none of these.
            await _digests.UpdateManyAsync(
                new BsonDocument
                {
                    { "site", site }, { "courseId", courseId }, { "current", true },
                    { "$or", new BsonArray { new BsonDocument("accepting", false), new BsonDocument("dueAt", new BsonDocument("$lte", at)), new BsonDocument(Full, new BsonDocument("$exists", true)) } },
                },
                new BsonDocument("$set", new BsonDocument { { "current", false }, { "accepting", false } }), cancellationToken: ct);
            try
            {
                return await NewDigestAsync(site, courseId, window, at, current: true, ct);
            }
            catch (Exception ex) when (MongoMirrorWriter.IsDuplicateKey(ex) && attempt < MaxAttempts)
            {
                // A concurrent first notification made the course's current digest: join that one.
            }
        }
    }

    private async Task<string> NewDigestAsync(string site, long courseId, TimeSpan window, long at, bool current, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        await _digests.InsertOneAsync(new BsonDocument
        {
            { "_id", id }, { "site", site }, { "courseId", courseId }, { "state", Open }, { "createdAt", at },
            { "dueAt", at + (long)window.TotalMilliseconds }, { "dispatchedAt", BsonNull.Value },
            { "accepting", true }, { "current", current }, { "notificationIds", new BsonArray() },
        }, cancellationToken: ct);
        return id;
    }

    public Task WaitForDueDigestAsync(TimeSpan maxWait, CancellationToken ct) => _dueDigests.WaitAsync(maxWait, ct);

    public async Task<IReadOnlyList<string>> DueDigestsAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var docs = await _digests.Find(new BsonDocument { { "dispatchedAt", BsonNull.Value }, { "dueAt", new BsonDocument("$lte", now.ToUnixTimeMilliseconds()) } })
            .Sort(new BsonDocument("dueAt", 1)).Limit(max).Project(new BsonDocument("_id", 1)).ToListAsync(ct);
        return docs.Select(d => d["_id"].AsString).ToList();
    }

    /// <summary>A published digest takes no more notifications (as in the SQLite store): the next one of its course opens a new digest.</summary>
    public Task MarkPublishedAsync(IReadOnlyList<string> digestIds, DateTimeOffset now, CancellationToken ct) =>
        _digests.UpdateManyAsync(new BsonDocument { { "_id", new BsonDocument("$in", new BsonArray(digestIds)) }, { "dispatchedAt", BsonNull.Value } },
            new BsonDocument("$set", new BsonDocument { { "dispatchedAt", now.ToUnixTimeMilliseconds() }, { "accepting", false }, { "current", false } }),
            cancellationToken: ct);

    public async Task<ClosedDigest?> CloseAsync(string digestId, DateTimeOffset now, CancellationToken ct)
    {
        var at = now.ToUnixTimeMilliseconds();
        // One update stops the joins and returns the digest as it is then: its list is final.
        var digest = await _digests.FindOneAndUpdateAsync(
            new BsonDocument { { "_id", digestId }, { "state", Open } },
            new BsonDocument("$set", new BsonDocument { { "state", Closed }, { "closedAt", at }, { "accepting", false }, { "current", false } }),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }, ct)
            ?? await _digests.Find(new BsonDocument("_id", digestId)).FirstOrDefaultAsync(ct);
        if (digest is null) return null;
        var site = digest["site"].AsString;
        var courseId = digest["courseId"].ToInt64();
        var notifications = await ReadNotificationsAsync(digest, ct);

        if (!digest.Contains(RecipientIds) && digest.GetValue("recipients", BsonNull.Value).IsBsonNull)
        {
            digest = await FixRecipientsAsync(digestId, site, courseId, ct);
        }

        var recipientIds = await DeliveryRecordsAsync(digest, at, ct);
        var closedAt = digest.TryGetValue("closedAt", out var c) && !c.IsBsonNull ? c.ToInt64() : at;
        return new ClosedDigest(digestId, site, courseId,
            digest.TryGetValue("courseName", out var cn) && cn.IsString ? cn.AsString : null,
            notifications, recipientIds, DateTimeOffset.FromUnixTimeMilliseconds(closedAt));
    }

    /// <summary>
    /// The recipients, fixed once: the course's teachers now and its name, read once and stored with one
    /// conditional write that holds only while the digest has no list. A second closer, or a close run again
    /// after a crash, loses that write and reads the first list back; so every close of a digest returns the
    /// same recipients, and the delivery records are made from that stored list only.
    /// </summary>
    private async Task<BsonDocument> FixRecipientsAsync(string digestId, string site, long courseId, CancellationToken ct)
    {
        using var distinct = await _teacherRoles.DistinctAsync<long>("userId",
            new BsonDocument { { "site", site }, { "courseId", courseId }, { "deleted", new BsonDocument("$ne", true) }, { "placeholder", new BsonDocument("$ne", true) } },
            cancellationToken: ct);
        var teachers = (await distinct.ToListAsync(ct)).Order().ToList();
        var course = await _courses.Find(new BsonDocument { { "site", site }, { "courseId", courseId }, { "deleted", new BsonDocument("$ne", true) } })
            .Project(new BsonDocument("fullName", 1)).FirstOrDefaultAsync(ct);
        var name = course is not null && course.TryGetValue("fullName", out var f) && f.IsString ? f : BsonNull.Value;
        return await _digests.FindOneAndUpdateAsync(
                new BsonDocument { { "_id", digestId }, { RecipientIds, new BsonDocument("$exists", false) }, { "recipients", BsonNull.Value } },
                new BsonDocument("$set", new BsonDocument
                {
                    { RecipientIds, new BsonArray(teachers) }, { "recipients", teachers.Count }, { "courseName", name },
                }),
                new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After, Projection = WithoutNotificationIds }, ct)
            ?? await _digests.Find(new BsonDocument("_id", digestId)).Project(WithoutNotificationIds).FirstAsync(ct);
    }

    /// <summary>
    /// A pending delivery record for each stored recipient, in one unordered bulk upsert ($setOnInsert on the
    /// pair's id: a record made before, perhaps sent since, is left as it is); the recipients, in order. A digest
    /// closed before the list was stored (no recipientIds) keeps the records it has.
    /// </summary>
    private async Task<List<long>> DeliveryRecordsAsync(BsonDocument digest, long at, CancellationToken ct)
    {
        var digestId = digest["_id"].AsString;
        if (!digest.TryGetValue(RecipientIds, out var stored) || !stored.IsBsonArray)
        {
            return (await _deliveries.Find(new BsonDocument("digestId", digestId)).Project(new BsonDocument("userId", 1)).ToListAsync(ct))
                .Select(d => d["userId"].ToInt64()).Order().ToList();
        }

        var recipients = stored.AsBsonArray.Select(u => u.ToInt64()).Order().ToList();
        if (recipients.Count == 0) return recipients;
        var upserts = recipients.Select(userId => new UpdateOneModel<BsonDocument>(
            new BsonDocument("_id", DeliveryId(digestId, userId)),
            new BsonDocument("$setOnInsert", new BsonDocument
            {
                { "digestId", digestId }, { "userId", userId }, { "state", DeliveryStates.Pending }, { "attempts", 0 }, { "updatedAt", at },
            }))
        { IsUpsert = true });
        try
        {
            await _deliveries.BulkWriteAsync(upserts, new BulkWriteOptions { IsOrdered = false }, ct);
        }
        catch (MongoBulkWriteException ex) when (ex.WriteConcernError is null && ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            // A concurrent closer inserted some of them between our match and our insert: they exist, which is all we wanted.
        }

        return recipients;
    }

    /// <summary>
    /// A few round trips whatever max is: the claimable records' ids, one update of those still claimable
    /// (each record changes state once, so exactly one caller claims it) marked with this call's token, and
    /// one read of what carries the token. Records a concurrent caller took meanwhile are looked for again,
    /// so a short answer still means that nothing claimable is left.
    /// </summary>
    public async Task<IReadOnlyList<long>> ClaimAsync(string digestId, int max, DateTimeOffset now, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        var claimable = new BsonArray { DeliveryStates.Pending, DeliveryStates.Retry };
        long claimed = 0;
        while (claimed < max)
        {
            var limit = (int)(max - claimed);
            var candidates = new BsonArray((await _deliveries.Find(new BsonDocument { { "digestId", digestId }, { "state", new BsonDocument("$in", claimable) } })
                    .Sort(new BsonDocument("userId", 1)).Limit(limit).Project(new BsonDocument("userId", 1)).ToListAsync(ct))
                .Select(d => d["userId"]));
            if (candidates.Count == 0) break;
            var taken = await _deliveries.UpdateManyAsync(
                new BsonDocument { { "digestId", digestId }, { "userId", new BsonDocument("$in", candidates) }, { "state", new BsonDocument("$in", claimable) } },
                new BsonDocument
                {
                    { "$set", new BsonDocument { { "state", DeliveryStates.Sending }, { ClaimToken, token }, { "updatedAt", now.ToUnixTimeMilliseconds() } } },
                    { "$inc", new BsonDocument("attempts", 1) },
                }, cancellationToken: ct);
            claimed += taken.ModifiedCount;
            // All of a short list taken: nothing claimable is left, no need for one more read to learn it.
            if (candidates.Count < limit && taken.ModifiedCount == candidates.Count) break;
        }

        if (claimed == 0) return [];
        return (await _deliveries.Find(new BsonDocument { { "digestId", digestId }, { ClaimToken, token } }).Project(new BsonDocument("userId", 1)).ToListAsync(ct))
            .Select(d => d["userId"].ToInt64()).Order().ToList();
    }

    /// <summary>Every outcome in one unordered bulk write (one acknowledgement instead of one per recipient).</summary>
    public async Task RecordOutcomesAsync(string digestId, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        await _deliveries.BulkWriteAsync(outcomes.Select(o => new UpdateOneModel<BsonDocument>(
                new BsonDocument { { "_id", DeliveryId(digestId, o.UserId) }, { "state", DeliveryStates.Sending } },
                new BsonDocument("$set", new BsonDocument
                {
                    { "state", o.State }, { "moodleMsgId", (BsonValue?)o.MoodleMessageId ?? BsonNull.Value },
                    { "reason", (BsonValue?)o.Reason ?? BsonNull.Value }, { "updatedAt", now.ToUnixTimeMilliseconds() },
                }))),
            new BulkWriteOptions { IsOrdered = false }, ct);
    }

    public async Task<IReadOnlyList<NotificationStatus>> RecentAsync(int limit, CancellationToken ct)
    {
        // Newest first, ties by id (as the SQLite store); a notification whose digest is gone is not listed.
        // Read a page at a time, so the hidden ones do not take the place of listed ones.
        var listed = new List<(BsonDocument Notification, BsonDocument Digest)>();
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = new BsonDocument { { "receivedAt", -1 }, { "_id", 1 } }, BatchSize = Math.Max(limit, 1) };
        using (var cursor = await _notifications.FindAsync(FilterDefinition<BsonDocument>.Empty, options, ct))
        {
            while (listed.Count < limit && await cursor.MoveNextAsync(ct))
            {
                var page = cursor.Current.ToList();
                var ids = new BsonArray(page.Select(n => n.GetValue("digestId", BsonNull.Value)).Where(d => d.IsString).Distinct());
                var digests = (await _digests.Find(new BsonDocument("_id", new BsonDocument("$in", ids)))
                        .Project(new BsonDocument { { "state", 1 }, { "recipients", 1 } }).ToListAsync(ct))
                    .ToDictionary(d => d["_id"].AsString, StringComparer.Ordinal);
                foreach (var n in page)
                {
                    if (listed.Count == limit) break;
                    if (n.GetValue("digestId", BsonNull.Value) is { IsString: true } id && digests.TryGetValue(id.AsString, out var digest)) listed.Add((n, digest));
                }
            }
        }

        var deliveriesOf = new Dictionary<string, List<BsonDocument>>(StringComparer.Ordinal);
        foreach (var digestId in listed.Select(l => l.Digest["_id"].AsString).Distinct())
        {
            deliveriesOf[digestId] = await _deliveries.Find(new BsonDocument("digestId", digestId)).ToListAsync(ct);
        }

        return listed.Select(l =>
        {
            var (n, digest) = l;
            var digestId = digest["_id"].AsString;
            var deliveries = deliveriesOf[digestId];
            int Count(params string[] states) => deliveries.Count(d => states.Contains(d["state"].AsString));
            var reasons = deliveries.Where(d => d["state"].AsString != DeliveryStates.Delivered && d.TryGetValue("reason", out var r) && r.IsString)
                .Select(d => d["reason"].AsString).Distinct().Take(5).ToList();
            return new NotificationStatus(n["_id"].AsString, n["site"].AsString, n["courseId"].ToInt64(), n["kind"].AsString,
                n["moduleKind"].AsString, n["cmId"].ToInt64(), n["itemName"].IsString ? n["itemName"].AsString : null,
                DateTimeOffset.FromUnixTimeMilliseconds(n["receivedAt"].ToInt64()), digestId,
                digest["state"].AsString, digest.TryGetValue("recipients", out var rc) && !rc.IsBsonNull ? (int)rc.ToInt64() : 0,
                Count(DeliveryStates.Delivered), Count(DeliveryStates.Failed), Count(DeliveryStates.NotSent),
                Count(DeliveryStates.Pending, DeliveryStates.Retry), Count(DeliveryStates.Sending), reasons);
        }).ToList();
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsConnection) _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The digest's notifications: the ones it lists (a digest written before the list existed: the ones that name it).</summary>
    private async Task<List<DigestChange>> ReadNotificationsAsync(BsonDocument digest, CancellationToken ct)
    {
        var filter = digest.TryGetValue("notificationIds", out var ids) && ids.IsBsonArray
            ? new BsonDocument("_id", new BsonDocument("$in", ids))
            : new BsonDocument("digestId", digest["_id"]);
        var docs = await _notifications.Find(filter).Sort(new BsonDocument { { "timeCreated", 1 }, { "_id", 1 } }).ToListAsync(ct);
        return docs.Select(d => new DigestChange
        {
            ChangeId = d["_id"].AsString,
            Site = d["site"].AsString,
            CourseId = d["courseId"].ToInt64(),
            Kind = d["kind"].AsString,
            CmId = d["cmId"].ToInt64(),
            ModuleKind = d["moduleKind"].AsString,
            ItemName = d["itemName"].IsString ? d["itemName"].AsString : null,
            ItemUrl = d["itemUrl"].IsString ? d["itemUrl"].AsString : null,
            EventId = d["eventId"].AsString,
            TimeCreated = d["timeCreated"].ToInt64(),
        }).ToList();
    }

    private static string DeliveryId(string digestId, long userId) => $"{digestId}|{userId}";
}
