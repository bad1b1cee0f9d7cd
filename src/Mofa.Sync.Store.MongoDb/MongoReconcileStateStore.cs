using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Mirror.Reconciling;
using static Mofa.Sync.Mirror.Reconciling.ReconcileStateTimes;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The rolling reconcile's state in the mirror's MongoDB database: collection reconcileSites (one document per site,
/// _id the site: lease, call budget, current and last pass) and reconcileCourses (_id "{site}|{courseId}": when the
/// course was last verified). No transactions: the lease and the budget are each one atomic update of the site's
/// document (findOneAndUpdate, an update pipeline for the budget), so they hold for every instance on the database.
/// The site's first upsert may race another instance's: the loser's duplicate key (E11000) means the document exists
/// now, and the update is run once more without the upsert. Starting a pass writes the course list before the pass,
/// so a start cut short leaves the old pass as it was. Reads create no collection.
/// </summary>
public sealed class MongoReconcileStateStore : IReconcileStateStore, IAsyncDisposable
{
    public const string SitesCollection = "reconcileSites";
    public const string CoursesCollection = "reconcileCourses";

    private const string Id = "_id";
    private const string Site = "site";
    private const string CourseId = "courseId";
    private const string VerifiedAt = "verifiedAt";
    private const string LeaseHolder = "leaseHolder";
    private const string LeaseUntil = "leaseUntil";
    private const string NextCallAt = "nextCallAt";
    private const string PeriodMs = "periodMs";
    private const string PassStartedAt = "passStartedAt";
    private const string Calls = "calls";
    private const string Failed = "failed";
    private const string LastPassStartedAt = "lastPassStartedAt";
    private const string LastPassEndedAt = "lastPassEndedAt";
    private const string LastPassCourses = "lastPassCourses";

    /// <summary>The drift counters, each kind found and repaired (fields foundCourses … repairedQuizLists).</summary>
    private static readonly string[] DriftKinds = ["Courses", "Modules", "Teachers", "QuizLists"];

    private readonly MongoStoreConnection _connection;
    private readonly bool _ownsConnection;
    private readonly IMongoCollection<BsonDocument> _sites;
    private readonly IMongoCollection<BsonDocument> _courses;

    /// <summary>On the mirror store's client (the service and the commands): the mirror store disposes it.</summary>
    public MongoReconcileStateStore(MongoMirrorStore mirror)
        : this((mirror ?? throw new ArgumentNullException(nameof(mirror))).Connection, ownsConnection: false)
    {
    }

    /// <summary>On a client of its own, disposed with the store (tests that play a second process).</summary>
    public MongoReconcileStateStore(MongoStoreOptions options)
        : this(new MongoStoreConnection(options), ownsConnection: true)
    {
    }

    private MongoReconcileStateStore(MongoStoreConnection connection, bool ownsConnection)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _sites = connection.Collection(SitesCollection);
        _courses = connection.Collection(CoursesCollection);
    }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _connection.PingOrExplainAsync(ct);
        await _connection.StartupStepAsync("Creating the rolling reconcile's indexes", async () =>
        {
            await _connection.RequireSimpleCollationAsync([SitesCollection, CoursesCollection], ct);
            // NextCourse in index order (null first, then oldest, then id); the count of the verified; a site's courses.
            await _courses.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                new BsonDocument { { Site, 1 }, { VerifiedAt, 1 }, { CourseId, 1 } }, new CreateIndexOptions { Name = "site_verifiedAt_courseId" }), cancellationToken: ct);
        }, ct);
    }

    public async Task<bool> TryLeaseAsync(string site, string holder, DateTimeOffset now, TimeSpan ttl, CancellationToken ct)
    {
        RequireName(site, nameof(site));
        RequireName(holder, nameof(holder));
        var until = Ms(now) + PositiveMs(ttl, nameof(ttl));
        var filter = new BsonDocument
        {
            { Id, site },
            {
                "$or", new BsonArray
                {
                    new BsonDocument(LeaseHolder, BsonNull.Value),
                    new BsonDocument(LeaseHolder, holder),
                    new BsonDocument(LeaseUntil, new BsonDocument("$lte", Ms(now))),
                }
            },
        };
        var update = new BsonDocument("$set", new BsonDocument { { LeaseHolder, holder }, { LeaseUntil, until } });
        return await UpsertSiteAsync(filter, update, ct) is not null;
    }

    public Task ReleaseLeaseAsync(string site, string holder, CancellationToken ct) =>
        _sites.UpdateOneAsync(new BsonDocument { { Id, site }, { LeaseHolder, holder } },
            new BsonDocument("$set", new BsonDocument { { LeaseHolder, BsonNull.Value }, { LeaseUntil, BsonNull.Value } }), cancellationToken: ct);

    /// <remarks>
    /// One findOneAndUpdate: priority moves nextCallAt to max(nextCallAt, now) + interval with an update pipeline and
    /// answers the slot it moved from; yield matches only a budget whose nextCallAt is not after now.
    /// </remarks>
    public async Task<DateTimeOffset?> ReserveCallAsync(string site, TimeSpan interval, bool yieldToOthers, TimeProvider clock, CancellationToken ct)
    {
        RequireName(site, nameof(site));
        ArgumentNullException.ThrowIfNull(clock);
        var step = PositiveMs(interval, nameof(interval));
        // The update is atomic on the server: now is read just before it is sent.
        var notBefore = new BsonInt64(NotBeforeMs(clock.GetUtcNow()));
        BsonDocument? after;
        if (yieldToOthers)
        {
            var idle = new BsonDocument
            {
                { Id, site },
                { "$or", new BsonArray { new BsonDocument(NextCallAt, BsonNull.Value), new BsonDocument(NextCallAt, new BsonDocument("$lte", notBefore)) } },
            };
            after = await UpsertSiteAsync(idle, new BsonDocument("$set", new BsonDocument(NextCallAt, notBefore.Value + step)), ct);
        }
        else
        {
            // $max ignores a missing or null nextCallAt: the first reservation of a site is at now.
            var moveOn = new BsonDocument("$set", new BsonDocument(NextCallAt,
                new BsonDocument("$add", new BsonArray { new BsonDocument("$max", new BsonArray { "$" + NextCallAt, notBefore }), new BsonInt64(step) })));
            after = await UpsertSiteAsync(new BsonDocument(Id, site), Pipeline(moveOn), ct);
        }

        return after is null ? null : At(after[NextCallAt].ToInt64() - step);
    }

    public async Task<bool> StartPassAsync(string site, string holder, IReadOnlyCollection<long> courseIds, TimeSpan period, int listingCalls, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(courseIds);
        var periodMs = PositiveMs(period, nameof(period));
        ArgumentOutOfRangeException.ThrowIfNegative(listingCalls);
        var holds = HeldBy(site, holder, now);
        if (!await _sites.Find(holds).Limit(1).AnyAsync(ct)) return false;

        var listed = courseIds.ToHashSet();
        var known = (await _courses.Find(new BsonDocument(Site, site)).Project(new BsonDocument(CourseId, 1)).ToListAsync(ct))
            .Select(d => d[CourseId].ToInt64()).ToHashSet();
        var gone = known.Where(id => !listed.Contains(id)).Select(id => (BsonValue)CourseKey(site, id)).ToList();
        if (gone.Count > 0) await _courses.DeleteManyAsync(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(gone))), ct);
        var added = listed.Where(id => !known.Contains(id)).Select(id => new UpdateOneModel<BsonDocument>(
            new BsonDocument(Id, CourseKey(site, id)),
            new BsonDocument("$setOnInsert", new BsonDocument { { Site, site }, { CourseId, id }, { VerifiedAt, BsonNull.Value } }))
        { IsUpsert = true }).ToList();
        if (added.Count > 0)
        {
            try
            {
                await _courses.BulkWriteAsync(added, new BulkWriteOptions { IsOrdered = false }, ct);
            }
            catch (MongoBulkWriteException ex) when (ex.WriteConcernError is null && ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
            {
                // An event-driven reconcile recorded some of them meanwhile: they are there, with the time they were verified.
            }
        }

        var reset = new BsonDocument { { PeriodMs, periodMs }, { PassStartedAt, Ms(now) }, { Calls, (long)listingCalls }, { Failed, 0 } };
        foreach (var name in DriftFields()) reset.Add(name, 0);
        var started = await _sites.UpdateOneAsync(holds, new BsonDocument("$set", reset), cancellationToken: ct);
        return started.MatchedCount > 0;
    }

    public async Task<long?> NextCourseAsync(string site, CancellationToken ct)
    {
        var start = await PassStartAsync(site, ct);
        if (start is null) return null;
        var next = await _courses.Find(NotVerifiedSince(site, start.Value))
            .Sort(new BsonDocument { { VerifiedAt, 1 }, { CourseId, 1 } }).Limit(1).Project(new BsonDocument(CourseId, 1)).FirstOrDefaultAsync(ct);
        return next?[CourseId].ToInt64();
    }

    public async Task RecordVerifiedAsync(string site, long courseId, DateTimeOffset at, CourseVerification figures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(figures);
        RequireName(site, nameof(site));
        // Never moves back ($max ignores the null of a course never verified): a late event-driven reconcile undoes nothing.
        var verified = Pipeline(new BsonDocument("$set", new BsonDocument
        {
            { Site, new BsonDocument("$literal", site) },
            { CourseId, new BsonInt64(courseId) },
            { VerifiedAt, new BsonDocument("$max", new BsonArray { "$" + VerifiedAt, new BsonInt64(Ms(at)) }) },
        }));
        var filter = new BsonDocument(Id, CourseKey(site, courseId));
        var options = new UpdateOptions { IsUpsert = true };
        try
        {
            await _courses.UpdateOneAsync(filter, verified, options, ct);
        }
        catch (Exception ex) when (MongoMirrorWriter.IsDuplicateKey(ex))
        {
            // Another instance recorded the course first: it exists now.
            await _courses.UpdateOneAsync(filter, verified, cancellationToken: ct);
        }

        var add = new BsonDocument { { Calls, (long)figures.Calls }, { Failed, figures.Failed ? 1 : 0 } };
        foreach (var (name, count) in DriftFields().Zip(Figures(figures.Found).Concat(Figures(figures.Repaired)))) add.Add(name, count);
        await _sites.UpdateOneAsync(new BsonDocument { { Id, site }, { PassStartedAt, new BsonDocument("$ne", BsonNull.Value) } },
            new BsonDocument("$inc", add), cancellationToken: ct);
    }

    public async Task<bool> EndPassAsync(string site, string holder, DateTimeOffset now, CancellationToken ct)
    {
        var holds = HeldBy(site, holder, now);
        holds.Add(PassStartedAt, new BsonDocument("$ne", BsonNull.Value));
        if (!await _sites.Find(holds).Limit(1).AnyAsync(ct)) return false;
        var courses = await _courses.CountDocumentsAsync(new BsonDocument(Site, site), cancellationToken: ct);
        var ended = await _sites.UpdateOneAsync(holds, Pipeline(new BsonDocument("$set", new BsonDocument
        {
            { LastPassStartedAt, "$" + PassStartedAt },
            { LastPassEndedAt, new BsonInt64(Ms(now)) },
            { LastPassCourses, (int)courses },
            { PassStartedAt, BsonNull.Value },
        })), cancellationToken: ct);
        return ended.MatchedCount > 0;
    }

    public Task<ReconcileSiteState?> GetAsync(string site, CancellationToken ct) =>
        _connection.StepAsync("Reading the rolling reconcile's state", async () =>
        {
            var doc = await _sites.Find(new BsonDocument(Id, site)).FirstOrDefaultAsync(ct);
            return doc is null ? null : await StateAsync(doc, ct);
        }, ct);

    public Task<IReadOnlyList<ReconcileSiteState>> ListAsync(CancellationToken ct) =>
        _connection.StepAsync<IReadOnlyList<ReconcileSiteState>>("Reading the rolling reconcile's state", async () =>
        {
            var states = new List<ReconcileSiteState>();
            foreach (var doc in await _sites.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument(Id, 1)).ToListAsync(ct))
            {
                states.Add(await StateAsync(doc, ct));
            }

            return states;
        }, ct);

    /// <summary>Disposes the client when the store has its own.</summary>
    public ValueTask DisposeAsync()
    {
        if (_ownsConnection) _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<ReconcileSiteState> StateAsync(BsonDocument doc, CancellationToken ct)
    {
        var site = doc[Id].AsString;
        var start = Long(doc, PassStartedAt);
        int passCourses = 0, verified = 0;
        if (start is not null)
        {
            passCourses = (int)await _courses.CountDocumentsAsync(new BsonDocument(Site, site), cancellationToken: ct);
            verified = (int)await _courses.CountDocumentsAsync(new BsonDocument { { Site, site }, { VerifiedAt, new BsonDocument("$gte", start.Value) } }, cancellationToken: ct);
        }

        var drift = DriftFields().Select(name => (int)(Long(doc, name) ?? 0)).ToArray();
        var counters = new PassCounters(Long(doc, Calls) ?? 0, (int)(Long(doc, Failed) ?? 0),
            new DriftCounts(drift[0], drift[1], drift[2], drift[3]), new DriftCounts(drift[4], drift[5], drift[6], drift[7]));
        return new ReconcileSiteState(site,
            doc.GetValue(LeaseHolder, BsonNull.Value) is { IsString: true } holder ? holder.AsString : null, At(Long(doc, LeaseUntil)),
            Long(doc, PeriodMs) is { } period ? TimeSpan.FromMilliseconds(period) : null, At(start),
            passCourses, verified, counters, At(Long(doc, LastPassStartedAt)), At(Long(doc, LastPassEndedAt)), (int)(Long(doc, LastPassCourses) ?? 0));
    }

    /// <summary>
    /// findOneAndUpdate with upsert on the site's document, answering it after the update, or null when the filter did
    /// not match an existing document. A duplicate key means the document exists now (another instance made it, or it did
    /// not match): the update runs once more without the upsert and decides.
    /// </summary>
    private async Task<BsonDocument?> UpsertSiteAsync(BsonDocument filter, UpdateDefinition<BsonDocument> update, CancellationToken ct)
    {
        try
        {
            return await _sites.FindOneAndUpdateAsync(filter, update, new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct);
        }
        catch (Exception ex) when (MongoMirrorWriter.IsDuplicateKey(ex))
        {
            return await _sites.FindOneAndUpdateAsync(filter, update, new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }, ct);
        }
    }

    private async Task<long?> PassStartAsync(string site, CancellationToken ct)
    {
        var doc = await _sites.Find(new BsonDocument(Id, site)).Project(new BsonDocument(PassStartedAt, 1)).FirstOrDefaultAsync(ct);
        return doc is null ? null : Long(doc, PassStartedAt);
    }

    /// <summary>The site's document while <paramref name="holder"/>'s lease runs at <paramref name="now"/>.</summary>
    private static BsonDocument HeldBy(string site, string holder, DateTimeOffset now) =>
        new() { { Id, site }, { LeaseHolder, holder }, { LeaseUntil, new BsonDocument("$gt", Ms(now)) } };

    /// <summary>Courses never verified (null) or verified before the pass started.</summary>
    private static BsonDocument NotVerifiedSince(string site, long start) => new()
    {
        { Site, site },
        { "$or", new BsonArray { new BsonDocument(VerifiedAt, BsonNull.Value), new BsonDocument(VerifiedAt, new BsonDocument("$lt", start)) } },
    };

    private static string CourseKey(string site, long courseId) => $"{site}|{courseId}";

    private static PipelineUpdateDefinition<BsonDocument> Pipeline(BsonDocument stage) =>
        new(PipelineDefinition<BsonDocument, BsonDocument>.Create([stage]));

    private static IEnumerable<string> DriftFields() =>
        DriftKinds.Select(k => "found" + k).Concat(DriftKinds.Select(k => "repaired" + k));

    private static IEnumerable<int> Figures(DriftCounts d) => [d.Courses, d.Modules, d.Teachers, d.QuizLists];

    private static long? Long(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToInt64() : null;
}
