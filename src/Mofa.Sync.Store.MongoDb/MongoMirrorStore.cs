using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Consumers.Mirror;
using static Mofa.Sync.Store.MongoDb.MongoDocumentMapper;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The MongoDB store (docs/mongodb.md): one collection per <see cref="MirrorCollection"/>, each
/// conditional write one single-document operation. No transactions, so it runs on a standalone
/// server as well as on a replica set; the apply rules are idempotent step by step, so a crash
/// between two writes of one event is repaired by the redelivery.
/// </summary>
public sealed partial class MongoMirrorStore : IMirrorStore
{
    /// <summary>Server selection timeout unless the connection string sets serverSelectionTimeoutMS: fail fast, not after the driver's 30 s.</summary>
    public static readonly TimeSpan DefaultServerSelectionTimeout = TimeSpan.FromSeconds(5);

    private const int PurgeBatch = 500;

    private readonly MongoStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly string? _password;
    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly Dictionary<MirrorCollection, IMongoCollection<BsonDocument>> _collections;
    private readonly MongoMirrorWriter _writer;

    public MongoMirrorStore(MongoStoreOptions options, ILogger<MongoMirrorStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Store:MongoDb:ConnectionString is not set.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new ArgumentException("Store:MongoDb:Database is not set.", nameof(options));
        }

        MongoUrl url;
        try
        {
            url = new MongoUrl(options.ConnectionString);
        }
        catch (Exception ex)
        {
            // The driver's message quotes the connection string: never pass it (or the exception) on.
            var reason = UserInfo().Replace(ex.Message.Replace(options.ConnectionString, "(the connection string)", StringComparison.Ordinal), "$1***@");
            throw new ArgumentException($"Store:MongoDb:ConnectionString is not a valid MongoDB connection string: {reason}", nameof(options));
        }

        _password = url.Password;
        _server = DescribeServer(url);

        var settings = MongoClientSettings.FromUrl(url);
        if (!options.ConnectionString.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = DefaultServerSelectionTimeout;
        }

        if (!options.ConnectionString.Contains("connectTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ConnectTimeout = DefaultServerSelectionTimeout;
        }

        _client = new MongoClient(settings);
        _database = _client.GetDatabase(options.Database);
        _collections = MirrorCollectionNames.All.ToDictionary(c => c, c => _database.GetCollection<BsonDocument>(MirrorCollectionNames.NameOf(c)));
        _writer = new MongoMirrorWriter(c => _collections[c]);
    }

    public string Kind => "mongodb";

    /// <summary>The server without credentials or options, e.g. mongodb://db1:27017,db2:27017 — safe to log.</summary>
    public string Server => _server;

    public async Task InitializeAsync(CancellationToken ct)
    {
        await PingOrExplainAsync(ct);
        try
        {
            foreach (var (collection, indexes) in Indexes())
            {
                await _collections[collection].Indexes.CreateManyAsync(indexes, ct);
            }
        }
        catch (MongoException ex)
        {
            throw new InvalidOperationException(
                $"Creating the indexes of database '{_options.Database}' on {_server} failed: {Redact(ex.Message)}");
        }

        _logger.LogInformation("MongoDB mirror store ready: database {Database} on {Server}", _options.Database, _server);
    }

    /// <summary>No transaction: the work's writes are single-document operations, each acknowledged (durable per the connection string's write concern) when its task completes.</summary>
    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) => work(_writer, ct);

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

    public async Task PingAsync(CancellationToken ct)
    {
        try
        {
            await _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new InvalidOperationException($"MongoDB on {_server} does not answer: {Redact(Reason(ex))}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// User minimisation: a profile written before the cut that no live teacher role backs. Two
    /// steps (candidates, then their live roles through the (site, userId) index), and the delete
    /// repeats the updatedAt condition, so a profile rewritten meanwhile (a role_assigned carrying
    /// it) stays.
    /// </summary>
    private async Task<long> PurgeUnbackedUsersAsync(BsonDateTime cut, CancellationToken ct)
    {
        var users = _collections[MirrorCollection.Users];
        var roles = _collections[MirrorCollection.TeacherRoles];
        var candidates = await users.Find(new BsonDocument(UpdatedAt, new BsonDocument("$lt", cut)))
            .Project(new BsonDocument { { Site, 1 }, { UserId, 1 } })
            .ToListAsync(ct);

        long purged = 0;
        foreach (var chunk in candidates.Chunk(PurgeBatch))
        {
            var unbacked = new BsonArray();
            foreach (var site in chunk.GroupBy(u => u.GetValue(Site, BsonNull.Value)))
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
            var result = await users.DeleteManyAsync(
                new BsonDocument { { Id, new BsonDocument("$in", unbacked) }, { UpdatedAt, new BsonDocument("$lt", cut) } }, ct);
            purged += result.DeletedCount;
        }

        return purged;
    }

    private async Task PingOrExplainAsync(CancellationToken ct)
    {
        try
        {
            await _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct);
        }
        catch (MongoException ex) when (ex is MongoAuthenticationException || ex.InnerException is MongoAuthenticationException)
        {
            throw new InvalidOperationException(
                $"MongoDB on {_server} refused the credentials of Store:MongoDb:ConnectionString: {Redact(Reason(ex))}");
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException(
                $"MongoDB on {_server} is unreachable (no server selected within the server selection timeout; " +
                $"check the host, the port, TLS and the replica set name): {Redact(Reason(ex))}");
        }
        catch (MongoException ex)
        {
            throw new InvalidOperationException($"MongoDB on {_server} failed the first command (ping): {Redact(Reason(ex))}");
        }
    }

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

    /// <summary>mongodb://host1:27017,host2:27017 (or mongodb+srv://cluster.example.net): no user, password, database or options.</summary>
    internal static string DescribeServer(MongoUrl url)
    {
        var scheme = url.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv ? "mongodb+srv" : "mongodb";
        var hosts = string.Join(",", url.Servers.Select(s => s.Port > 0 && url.Scheme != MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv
            ? $"{s.Host}:{s.Port}"
            : s.Host));
        return $"{scheme}://{hosts}";
    }

    /// <summary>A driver message with anything that could carry the credentials removed.</summary>
    internal string Redact(string message)
    {
        var redacted = message.Replace(_options.ConnectionString, _server, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(_password))
        {
            redacted = redacted.Replace(_password, "***", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(_password), "***", StringComparison.Ordinal);
        }

        return UserInfo().Replace(redacted, "$1***@");
    }

    [GeneratedRegex(@"(mongodb(?:\+srv)?://)[^@/\s'""]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfo();

    /// <summary>
    /// The gist of a driver error: a server selection timeout's message is the whole cluster
    /// description with stack traces; the causes inside it (e.g. "Connection refused") are what an
    /// operator needs.
    /// </summary>
    internal static string Reason(Exception ex)
    {
        var text = ex.Message;
        var causes = InnerCause().Matches(text).Select(m => m.Groups[1].Value.Trim()).Distinct().ToList();
        if (causes.Count == 0)
        {
            causes = HeartbeatCause().Matches(text).Select(m => m.Groups[1].Value.Trim()).Distinct().ToList();
        }

        if (causes.Count > 0) return string.Join("; ", causes);
        var first = text.Split('\n')[0];
        var view = first.IndexOf(" Client view of cluster state", StringComparison.Ordinal);
        if (view > 0) first = first[..view];
        return first.Length > 400 ? first[..400] + "…" : first;
    }

    [GeneratedRegex(@"--->\s*[\w.]+Exception(?:\s*\([^)]*\))?:\s*([^\r\n]+)")]
    private static partial Regex InnerCause();

    [GeneratedRegex(@"HeartbeatException:\s*""[\w.]+Exception:\s*([^\r\n""]+)")]
    private static partial Regex HeartbeatCause();
}
