using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// The one MongoClient of the MongoDB store, shared by the mirror and the notifications
/// (docs/mongodb.md, "Durability and consistency"):
/// <list type="bullet">
/// <item>every write waits for w: majority, j: true (a w=N or tag set of the connection string is kept; w=0 is refused),
///   so an acknowledged message's writes survive a failover;</item>
/// <item>every read goes to the primary with read concern local, whatever readPreference and readConcernLevel the
///   connection string (perhaps shared with the services that read the mirror) asks for: the store's reads decide
///   what it writes (a parent's tombstone, the version after a duplicate key), and a stale read would decide wrongly;</item>
/// <item>fail fast: server selection and connect time out after 5 s unless the connection string says otherwise;</item>
/// <item>every operation bounded (docs/mongodb.md, "Timeouts"): a write waits for its acknowledgement at most 10 s
///   (wtimeout) and any reply from the server at most 60 s (socket timeout) unless the connection string sets
///   wtimeoutMS / socketTimeoutMS; socketTimeoutMS=0 (no limit) is refused. A timed-out operation throws, and the
///   message is retried, then goes to its _error queue. (The driver's client-side operation timeout, timeoutMS,
///   is not public in MongoDB.Driver 3.14.)</item>
/// <item>its errors name the server without user, password or options.</item>
/// </list>
/// </summary>
public sealed partial class MongoStoreConnection : IDisposable
{
    /// <summary>Server selection and connect timeout unless the connection string sets its own: fail fast, not after the driver's 30 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a write waits for its write concern (w: majority) unless the connection string sets wtimeoutMS:
    /// without it, a replica set that has a primary but no majority (secondaries down or far behind) holds every
    /// write, and with it every consumer slot, for ever.
    /// </summary>
    public static readonly TimeSpan DefaultWriteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the driver waits for any reply on a connection unless the connection string sets socketTimeoutMS:
    /// the bound of an operation the server does not answer (a hung primary, a half-open connection). Above the
    /// write timeout, so that a write concern timeout comes back as the server's answer; long enough for the
    /// purge's deletes and the index builds of a start.
    /// </summary>
    public static readonly TimeSpan DefaultSocketTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long readiness waits for a majority to acknowledge its heartbeat write: under the readiness check's own
    /// 5 s, so that a set without a majority is reported as such rather than as a timeout.
    /// </summary>
    public static readonly TimeSpan ReadinessWriteTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The collection of the readiness heartbeat: one document, rewritten by every readiness check.</summary>
    public const string HeartbeatCollection = "storeHeartbeat";

    private readonly string _connectionString;
    private readonly string? _password;
    private readonly bool _srv;
    private readonly MongoClient _client;

    /// <param name="configure">For tests: a last look at the client's settings (e.g. to watch the commands sent).</param>
    public MongoStoreConnection(MongoStoreOptions options, Action<MongoClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Store:MongoDb:ConnectionString is not set.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new ArgumentException("Store:MongoDb:Database is not set.", nameof(options));
        }

        _connectionString = options.ConnectionString;
        MongoUrl url;
        MongoClientSettings settings;
        try
        {
            url = new MongoUrl(options.ConnectionString);
            // FromUrl checks the credentials (e.g. a user without a password) and can throw too.
            settings = MongoClientSettings.FromUrl(url);
        }
        catch (Exception ex)
        {
            throw new ArgumentException($"Store:MongoDb:ConnectionString is not a valid MongoDB connection string: {Redacted(ex, options.ConnectionString)}", nameof(options));
        }

        _password = url.Password;
        _srv = url.Scheme == ConnectionStringScheme.MongoDBPlusSrv;
        Server = DescribeServer(url);
        DatabaseName = options.Database;

        settings.WriteConcern = DurableWriteConcern(settings.WriteConcern);
        settings.ReadPreference = ReadPreference.Primary;
        settings.ReadConcern = ReadConcern.Local;
        var named = OptionNames(options.ConnectionString);
        if (!Sets(named, "serverSelectionTimeout")) settings.ServerSelectionTimeout = DefaultTimeout;
        if (!Sets(named, "connectTimeout")) settings.ConnectTimeout = DefaultTimeout;
        if (!Sets(named, "socketTimeout")) settings.SocketTimeout = DefaultSocketTimeout;
        else if (settings.SocketTimeout <= TimeSpan.Zero) throw new ArgumentException(UnboundedSocketMessage, nameof(options));
        configure?.Invoke(settings);

        _client = new MongoClient(settings);
        Database = _client.GetDatabase(options.Database);
    }

    /// <summary>The server without credentials or options, e.g. mongodb://db1:27017,db2:27017 — safe to log.</summary>
    public string Server { get; }

    public string DatabaseName { get; }

    /// <summary>The write concern every write of the store waits for.</summary>
    public WriteConcern WriteConcern => Database.Settings.WriteConcern;

    /// <summary>The store's database: primary, read concern local, the durable write concern (its collections inherit them).</summary>
    public IMongoDatabase Database { get; }

    public IMongoCollection<BsonDocument> Collection(string name) => Database.GetCollection<BsonDocument>(name);

    /// <summary>
    /// The write concern the store uses: w: majority and j: true unless the connection string asks
    /// for w=N (N ≥ 2) or a tag set, which is kept (with j: true); w=1 and no w become majority.
    /// w=0 is refused: without an acknowledgement there is no duplicate-key answer, so a stale event
    /// would look applied, and a lost write would go unnoticed.
    /// </summary>
    public static WriteConcern DurableWriteConcern(WriteConcern fromConnectionString)
    {
        ArgumentNullException.ThrowIfNull(fromConnectionString);
        if (Unacknowledged(fromConnectionString))
        {
            throw new ArgumentException(UnacknowledgedMessage);
        }

        WriteConcern.WValue w = fromConnectionString.W switch
        {
            WriteConcern.WCount { Value: >= 2 } count => count,
            WriteConcern.WMode mode => mode,
            _ => WriteConcern.WMode.Majority,
        };
        return new WriteConcern(w, fromConnectionString.WTimeout ?? DefaultWriteTimeout, journal: true);
    }

    public const string UnboundedSocketMessage =
        "Store:MongoDb:ConnectionString sets socketTimeoutMS=0 (wait for a reply for ever): a server that stops answering would hold " +
        "every message being applied. Remove it (the store waits 60 s) or set a positive value.";

    public const string UnacknowledgedMessage =
        "Store:MongoDb:ConnectionString asks for w=0 (unacknowledged writes): the mirror needs every write acknowledged " +
        "(a lost or stale write would go unnoticed). Remove w=0; the store writes with w=majority and journal=true.";

    /// <summary>What is wrong with the connection string for the store, in plain words, or null (for the settings check at start-up).</summary>
    public static string? Problem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        try
        {
            return new MongoUrl(connectionString).W is WriteConcern.WCount { Value: 0 } ? UnacknowledgedMessage : null;
        }
        catch (Exception)
        {
            // Parse errors are reported, redacted, when the store is created.
            return null;
        }
    }

    /// <summary>
    /// Why the connection string cannot be used, redacted, or null: it must parse as the store will
    /// parse it (escapes included) and name ports between 1 and 65535 (for the settings check at start-up).
    /// </summary>
    public static string? ParseProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        try
        {
            var url = new MongoUrl(connectionString);
            MongoClientSettings.FromUrl(url);
            return url.Servers.FirstOrDefault(s => s.Port is < 1 or > 65535) is { } server
                ? $"a server's port must be between 1 and 65535 (got {server.Port})"
                : null;
        }
        catch (Exception ex)
        {
            return Redacted(ex, connectionString);
        }
    }

    /// <summary>The driver's message may quote the connection string: never pass it (or the exception) on.</summary>
    private static string Redacted(Exception ex, string connectionString) =>
        UserInfo().Replace(ex.Message.Replace(connectionString, "(the connection string)", StringComparison.Ordinal), "$1***@");

    private static bool Unacknowledged(WriteConcern concern) => concern.W is WriteConcern.WCount { Value: 0 };

    /// <summary>Pings the server; an unreachable server, refused credentials or a failed DNS lookup become one plain, redacted line.</summary>
    public async Task PingOrExplainAsync(CancellationToken ct)
    {
        try
        {
            await Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is MongoAuthenticationException || ex.InnerException is MongoAuthenticationException)
        {
            throw new InvalidOperationException(
                $"MongoDB on {Server} refused the credentials of Store:MongoDb:ConnectionString: {Redact(Reason(ex))}");
        }
        catch (TimeoutException ex) when (_srv && ex.Message.Contains("Servers : []", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"MongoDB on {Server} is unreachable: the DNS lookup of _mongodb._tcp.{Server["mongodb+srv://".Length..]} found no server " +
                "within the server selection timeout (check the host name and that this machine can resolve SRV records)");
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException(
                $"MongoDB on {Server} is unreachable (no server selected within the server selection timeout; " +
                $"check the host, the port, TLS and the replica set name): {Redact(Reason(ex))}");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"MongoDB on {Server} failed the first command (ping): {Redact(Reason(ex))}");
        }
    }

    /// <summary>
    /// Readiness: one write of the heartbeat document with the store's write concern (w: majority unless the
    /// connection string asks for more), waiting at most <see cref="ReadinessWriteTimeout"/>. A replica set
    /// whose primary answers a ping but whose majority cannot acknowledge a write fails it.
    /// </summary>
    public async Task WriteHeartbeatAsync(CancellationToken ct)
    {
        var heartbeat = Database.GetCollection<BsonDocument>(HeartbeatCollection)
            .WithWriteConcern(WriteConcern.With(wTimeout: (TimeSpan?)ReadinessWriteTimeout));
        var update = new BsonDocument("$set", new BsonDocument("at", MongoMirrorWriter.Now()));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await heartbeat.UpdateOneAsync(new BsonDocument("_id", "readiness"), update, new UpdateOptions { IsUpsert = true }, ct);
                return;
            }
            catch (Exception ex) when (MongoMirrorWriter.IsDuplicateKey(ex) && attempt == 1)
            {
                // Another instance's first heartbeat inserted the document between our match and our insert: update it.
            }
        }
    }

    /// <summary>Runs a start-up step (creating indexes); any driver error becomes one plain, redacted line.</summary>
    public Task StartupStepAsync(string what, Func<Task> step, CancellationToken ct) => StepAsync(what, async () =>
    {
        await step();
        return 0;
    }, ct);

    /// <summary>Runs a step whose driver error is to be read by an operator (a start-up, a command's read) as one plain, redacted line.</summary>
    public async Task<T> StepAsync<T>(string what, Func<Task<T>> step, CancellationToken ct)
    {
        try
        {
            return await step();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new InvalidOperationException($"{what} in database '{DatabaseName}' on {Server} failed: {Redact(Reason(ex))}");
        }
    }

    /// <summary>
    /// Refuses collections created with a collation other than simple (binary): the store compares
    /// versions with $lt and keys documents by _id as byte strings; a locale collation (say, case-insensitive)
    /// would order versions wrongly and merge keys that differ only in case.
    /// </summary>
    public async Task RequireSimpleCollationAsync(IEnumerable<string> collections, CancellationToken ct)
    {
        var names = new BsonArray(collections);
        using var cursor = await Database.ListCollectionsAsync(
            new ListCollectionsOptions { Filter = new BsonDocument("name", new BsonDocument("$in", names)) }, ct);
        foreach (var collection in await cursor.ToListAsync(ct))
        {
            if (collection.TryGetValue("options", out var options) && options.IsBsonDocument
                && options.AsBsonDocument.TryGetValue("collation", out var collation) && collation.IsBsonDocument
                && collation.AsBsonDocument.GetValue("locale", "simple") is { IsString: true } locale && locale.AsString != "simple")
            {
                throw new InvalidOperationException(
                    $"The collection '{collection["name"]}' in database '{DatabaseName}' on {Server} has the collation '{locale.AsString}': " +
                    "the store needs the simple (binary) collation; drop the collection or use another database");
            }
        }
    }

    /// <summary>mongodb://host1:27017,host2:27017 (or mongodb+srv://cluster.example.net): no user, password, database or options.</summary>
    internal static string DescribeServer(MongoUrl url)
    {
        var srv = url.Scheme == ConnectionStringScheme.MongoDBPlusSrv;
        var hosts = string.Join(",", url.Servers.Select(s => s.Port > 0 && !srv ? $"{s.Host}:{s.Port}" : s.Host));
        return $"{(srv ? "mongodb+srv" : "mongodb")}://{hosts}";
    }

    /// <summary>A driver message with anything that could carry the credentials removed.</summary>
    public string Redact(string message)
    {
        var redacted = message.Replace(_connectionString, Server, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(_password))
        {
            redacted = redacted.Replace(_password, "***", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(_password), "***", StringComparison.Ordinal);
        }

        return UserInfo().Replace(redacted, "$1***@");
    }

    /// <summary>
    /// The gist of a driver error, on one line: a server selection timeout's message is the whole
    /// cluster description with stack traces; the causes inside it (e.g. "Connection refused") are
    /// what an operator needs.
    /// </summary>
    public static string Reason(Exception ex)
    {
        var text = ex.Message;
        var causes = InnerCause().Matches(text).Select(m => m.Groups[1].Value.Trim()).Distinct().ToList();
        if (causes.Count == 0)
        {
            causes = HeartbeatCause().Matches(text).Select(m => m.Groups[1].Value.Trim()).Distinct().ToList();
        }

        if (causes.Count > 0) return string.Join("; ", causes);
        var first = text.Split('\n')[0].Trim();
        var view = first.IndexOf(" Client view of cluster state", StringComparison.Ordinal);
        if (view > 0) first = first[..view];
        return first.Length > 400 ? first[..400] + "…" : first;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Whether the connection string sets the timeout itself, under its name with or without "MS" (the driver reads both).</summary>
    private static bool Sets(HashSet<string> named, string timeout) => named.Contains(timeout + "MS") || named.Contains(timeout);

    /// <summary>The option names the connection string sets itself (its query part), case-insensitively.</summary>
    private static HashSet<string> OptionNames(string connectionString)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var query = connectionString.IndexOf('?', StringComparison.Ordinal);
        if (query < 0) return names;
        foreach (var pair in connectionString[(query + 1)..].Split('&', ';'))
        {
            var name = pair.Split('=', 2)[0];
            if (name.Length > 0) names.Add(name);
        }

        return names;
    }

    [GeneratedRegex(@"(mongodb(?:\+srv)?://)[^@/\s'""]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"--->\s*[\w.]+Exception(?:\s*\([^)]*\))?:\s*([^\r\n]+)")]
    private static partial Regex InnerCause();

    [GeneratedRegex(@"HeartbeatException:\s*""[\w.]+Exception:\s*([^\r\n""]+)")]
    private static partial Regex HeartbeatCause();
}
