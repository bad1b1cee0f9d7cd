using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The notifications in the mirror's MongoDB database: collections notificationDigests,
/// notifications and notificationDeliveries; recipients are read from the mirror's teacherRoles.
/// No transactions (a standalone server must do): each step is one single-document atomic
/// operation and the sequence is safe to repeat —
/// <list type="bullet">
/// <item>a notification is inserted under its id once (a duplicate key means recorded before);</item>
/// <item>a digest is closed by one conditional update (state open → closed), after which no notification attaches to it;
///   one that attached in between is moved to a new digest (checked against the ids the close saw);</item>
/// <item>a delivery record is claimed by one findOneAndUpdate (pending|retry → sending), so only one caller sends it.</item>
/// </list>
/// </summary>
public sealed class MongoNotificationStore : INotificationStore
{
    private const string Open = "open";
    private const string Closed = "closed";

    private readonly IMongoCollection<BsonDocument> _digests;
    private readonly IMongoCollection<BsonDocument> _notifications;
    private readonly IMongoCollection<BsonDocument> _deliveries;
    private readonly IMongoCollection<BsonDocument> _teacherRoles;
    private readonly IMongoCollection<BsonDocument> _courses;

    public MongoNotificationStore(MongoStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MongoUrl url;
        try
        {
            url = new MongoUrl(options.ConnectionString);
        }
        catch (Exception ex)
        {
            // The driver's message quotes the connection string, which may hold a password.
            throw new ArgumentException($"Store:MongoDb:ConnectionString is not a valid MongoDB connection string ({ex.GetType().Name}).", nameof(options));
        }

        var settings = MongoClientSettings.FromUrl(url);
        if (!options.ConnectionString.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        }

        var database = new MongoClient(settings).GetDatabase(options.Database);
        _digests = database.GetCollection<BsonDocument>("notificationDigests");
        _notifications = database.GetCollection<BsonDocument>("notifications");
        _deliveries = database.GetCollection<BsonDocument>("notificationDeliveries");
        _teacherRoles = database.GetCollection<BsonDocument>("teacherRoles");
        _courses = database.GetCollection<BsonDocument>("courses");
    }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _digests.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(new BsonDocument { { "site", 1 }, { "courseId", 1 }, { "state", 1 } }),
            new CreateIndexModel<BsonDocument>(new BsonDocument { { "state", 1 }, { "dispatchedAt", 1 }, { "dueAt", 1 } }),
        ], ct);
        await _notifications.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(new BsonDocument("digestId", 1)),
            new CreateIndexModel<BsonDocument>(new BsonDocument { { "site", 1 }, { "cmId", 1 } }),
            new CreateIndexModel<BsonDocument>(new BsonDocument("receivedAt", -1)),
        ], ct);
        await _deliveries.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument { { "digestId", 1 }, { "state", 1 } }), cancellationToken: ct);
    }

    /// <remarks>
    /// <paramref name="within"/> is not used: the mirror's MongoDB writes share no transaction, so the
    /// record is one more idempotent step of the event, completed by a redelivery if the service dies.
    /// </remarks>
    public async Task<RecordedNotification> RecordAsync(NotificationRequested notification, TimeSpan window, DateTimeOffset now, IMirrorWriter? within, CancellationToken ct)
    {
        var n = notification;
        var known = await _notifications.Find(new BsonDocument("_id", n.NotificationId)).FirstOrDefaultAsync(ct);
        if (known is not null) return new RecordedNotification(known["digestId"].AsString, IsNew: false);

        var at = now.ToUnixTimeMilliseconds();
        var digestId = await OpenDigestAsync(n.Site, n.CourseId, window, at, ct);
        try
        {
            await _notifications.InsertOneAsync(new BsonDocument
            {
                { "_id", n.NotificationId }, { "digestId", digestId }, { "site", n.Site }, { "courseId", n.CourseId }, { "kind", n.Kind },
                { "cmId", n.CmId }, { "moduleKind", n.ModuleKind }, { "itemName", (BsonValue?)n.ItemName ?? BsonNull.Value },
                { "itemUrl", (BsonValue?)n.ItemUrl ?? BsonNull.Value }, { "eventId", n.EventId }, { "timeCreated", n.TimeCreated }, { "receivedAt", at },
            }, cancellationToken: ct);
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Recorded meanwhile by a concurrent redelivery; the digest opened above may stay empty (delivery skips empty ones).
            var other = await _notifications.Find(new BsonDocument("_id", n.NotificationId)).FirstAsync(ct);
            return new RecordedNotification(other["digestId"].AsString, IsNew: false);
        }

        // The digest may have closed between the attach and the insert without seeing this notification: move it to a new one.
        var digest = await _digests.Find(new BsonDocument("_id", digestId)).FirstAsync(ct);
        if (digest["state"].AsString == Closed && digest.TryGetValue("notificationIds", out var seen) && !seen.AsBsonArray.Contains(n.NotificationId))
        {
            digestId = await NewDigestAsync(n.Site, n.CourseId, window, at, ct);
            await _notifications.UpdateOneAsync(new BsonDocument("_id", n.NotificationId), new BsonDocument("$set", new BsonDocument("digestId", digestId)), cancellationToken: ct);
        }

        return new RecordedNotification(digestId, IsNew: true);
    }

    public async Task<string?> FindItemNameAsync(string site, long cmId, IMirrorWriter? within, CancellationToken ct)
    {
        var doc = await _notifications.Find(new BsonDocument { { "site", site }, { "cmId", cmId }, { "itemName", new BsonDocument("$type", "string") } })
            .Sort(new BsonDocument("timeCreated", -1)).Limit(1).FirstOrDefaultAsync(ct);
        return doc?["itemName"].AsString;
    }

    public async Task<IReadOnlyList<string>> DueDigestsAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var docs = await _digests.Find(new BsonDocument { { "state", Open }, { "dispatchedAt", BsonNull.Value }, { "dueAt", new BsonDocument("$lte", now.ToUnixTimeMilliseconds()) } })
            .Sort(new BsonDocument("dueAt", 1)).Limit(max).Project(new BsonDocument("_id", 1)).ToListAsync(ct);
        return docs.Select(d => d["_id"].AsString).ToList();
    }

    public Task MarkDispatchedAsync(IReadOnlyList<string> digestIds, DateTimeOffset now, CancellationToken ct) =>
        _digests.UpdateManyAsync(new BsonDocument { { "_id", new BsonDocument("$in", new BsonArray(digestIds)) }, { "dispatchedAt", BsonNull.Value } },
            new BsonDocument("$set", new BsonDocument("dispatchedAt", now.ToUnixTimeMilliseconds())), cancellationToken: ct);

    public async Task<ClosedDigest?> CloseAsync(string digestId, DateTimeOffset now, CancellationToken ct)
    {
        var at = now.ToUnixTimeMilliseconds();
        var digest = await _digests.Find(new BsonDocument("_id", digestId)).FirstOrDefaultAsync(ct);
        if (digest is null) return null;
        var site = digest["site"].AsString;
        var courseId = digest["courseId"].ToInt64();

        // First stop new notifications from attaching, then read what the digest holds.
        await _digests.UpdateOneAsync(new BsonDocument { { "_id", digestId }, { "state", Open } },
            new BsonDocument("$set", new BsonDocument { { "state", Closed }, { "closedAt", at } }), cancellationToken: ct);
        var notifications = await ReadNotificationsAsync(digestId, ct);

        if (!digest.TryGetValue("recipients", out var fixedCount) || fixedCount.IsBsonNull)
        {
            // Repeated after a crash, this inserts nobody twice ($setOnInsert on the pair's id).
            var teachers = await _teacherRoles.Distinct<long>("userId",
                new BsonDocument { { "site", site }, { "courseId", courseId }, { "deleted", new BsonDocument("$ne", true) }, { "placeholder", new BsonDocument("$ne", true) } },
                cancellationToken: ct).ToListAsync(ct);
            foreach (var userId in teachers)
            {
                await _deliveries.UpdateOneAsync(new BsonDocument("_id", DeliveryId(digestId, userId)),
                    new BsonDocument("$setOnInsert", new BsonDocument
                    {
                        { "digestId", digestId }, { "userId", userId }, { "state", DeliveryStates.Pending }, { "attempts", 0 }, { "updatedAt", at },
                    }), new UpdateOptions { IsUpsert = true }, ct);
            }

            var course = await _courses.Find(new BsonDocument { { "site", site }, { "courseId", courseId }, { "deleted", new BsonDocument("$ne", true) } }).FirstOrDefaultAsync(ct);
            var name = course is not null && course.TryGetValue("fullName", out var f) && f.IsString ? f : BsonNull.Value;
            var count = await _deliveries.CountDocumentsAsync(new BsonDocument("digestId", digestId), cancellationToken: ct);
            await _digests.UpdateOneAsync(new BsonDocument("_id", digestId), new BsonDocument("$set", new BsonDocument
            {
                { "recipients", count }, { "courseName", name }, { "notificationIds", new BsonArray(notifications.Select(x => x.NotificationId)) },
                { "dispatchedAt", digest.TryGetValue("dispatchedAt", out var d) && !d.IsBsonNull ? d : at },
            }), cancellationToken: ct);
            digest = await _digests.Find(new BsonDocument("_id", digestId)).FirstAsync(ct);
        }

        return new ClosedDigest(digestId, site, courseId,
            digest.TryGetValue("courseName", out var cn) && cn.IsString ? cn.AsString : null,
            notifications, (int)digest["recipients"].ToInt64());
    }

    public async Task<IReadOnlyList<long>> ClaimAsync(string digestId, int max, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = new List<long>();
        while (claimed.Count < max)
        {
            var doc = await _deliveries.FindOneAndUpdateAsync(
                new BsonDocument { { "digestId", digestId }, { "state", new BsonDocument("$in", new BsonArray { DeliveryStates.Pending, DeliveryStates.Retry }) } },
                new BsonDocument
                {
                    { "$set", new BsonDocument { { "state", DeliveryStates.Sending }, { "updatedAt", now.ToUnixTimeMilliseconds() } } },
                    { "$inc", new BsonDocument("attempts", 1) },
                },
                new FindOneAndUpdateOptions<BsonDocument> { Sort = new BsonDocument("userId", 1) }, ct);
            if (doc is null) break;
            claimed.Add(doc["userId"].ToInt64());
        }

        claimed.Sort();
        return claimed;
    }

    public async Task RecordOutcomesAsync(string digestId, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var o in outcomes)
        {
            await _deliveries.UpdateOneAsync(new BsonDocument { { "_id", DeliveryId(digestId, o.UserId) }, { "state", DeliveryStates.Sending } },
                new BsonDocument("$set", new BsonDocument
                {
                    { "state", o.State }, { "moodleMsgId", (BsonValue?)o.MoodleMessageId ?? BsonNull.Value },
                    { "reason", (BsonValue?)o.Reason ?? BsonNull.Value }, { "updatedAt", now.ToUnixTimeMilliseconds() },
                }), cancellationToken: ct);
        }
    }

    public async Task<IReadOnlyList<NotificationStatus>> RecentAsync(int limit, CancellationToken ct)
    {
        var notifications = await _notifications.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("receivedAt", -1)).Limit(limit).ToListAsync(ct);
        var result = new List<NotificationStatus>();
        foreach (var digestId in notifications.Select(n => n["digestId"].AsString).Distinct())
        {
            var digest = await _digests.Find(new BsonDocument("_id", digestId)).FirstOrDefaultAsync(ct);
            var deliveries = await _deliveries.Find(new BsonDocument("digestId", digestId)).ToListAsync(ct);
            int Count(params string[] states) => deliveries.Count(d => states.Contains(d["state"].AsString));
            var reasons = deliveries.Where(d => d["state"].AsString != DeliveryStates.Delivered && d.TryGetValue("reason", out var r) && r.IsString)
                .Select(d => d["reason"].AsString).Distinct().Take(5).ToList();
            foreach (var n in notifications.Where(n => n["digestId"].AsString == digestId))
            {
                result.Add(new NotificationStatus(n["_id"].AsString, n["site"].AsString, n["courseId"].ToInt64(), n["kind"].AsString,
                    n["moduleKind"].AsString, n["cmId"].ToInt64(), n["itemName"].IsString ? n["itemName"].AsString : null,
                    DateTimeOffset.FromUnixTimeMilliseconds(n["receivedAt"].ToInt64()), digestId,
                    digest?["state"].AsString ?? Closed, digest is not null && digest.TryGetValue("recipients", out var rc) && !rc.IsBsonNull ? (int)rc.ToInt64() : 0,
                    Count(DeliveryStates.Delivered), Count(DeliveryStates.Failed), Count(DeliveryStates.NotSent),
                    Count(DeliveryStates.Pending, DeliveryStates.Retry), Count(DeliveryStates.Sending), reasons));
            }
        }

        return result.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.NotificationId, StringComparer.Ordinal).ToList();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<string> OpenDigestAsync(string site, long courseId, TimeSpan window, long at, CancellationToken ct)
    {
        if (window > TimeSpan.Zero)
        {
            var open = await _digests.FindOneAndUpdateAsync(
                new BsonDocument { { "site", site }, { "courseId", courseId }, { "state", Open }, { "dispatchedAt", BsonNull.Value }, { "dueAt", new BsonDocument("$gt", at) } },
                new BsonDocument("$inc", new BsonDocument("attached", 1)),
                new FindOneAndUpdateOptions<BsonDocument> { Sort = new BsonDocument("createdAt", 1) }, ct);
            if (open is not null) return open["_id"].AsString;
        }

        return await NewDigestAsync(site, courseId, window, at, ct);
    }

    private async Task<string> NewDigestAsync(string site, long courseId, TimeSpan window, long at, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        await _digests.InsertOneAsync(new BsonDocument
        {
            { "_id", id }, { "site", site }, { "courseId", courseId }, { "state", Open }, { "createdAt", at },
            { "dueAt", at + (long)window.TotalMilliseconds }, { "dispatchedAt", BsonNull.Value }, { "attached", 1 },
        }, cancellationToken: ct);
        return id;
    }

    private async Task<List<NotificationRequested>> ReadNotificationsAsync(string digestId, CancellationToken ct)
    {
        var docs = await _notifications.Find(new BsonDocument("digestId", digestId)).Sort(new BsonDocument { { "timeCreated", 1 }, { "_id", 1 } }).ToListAsync(ct);
        return docs.Select(d => new NotificationRequested
        {
            NotificationId = d["_id"].AsString,
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
