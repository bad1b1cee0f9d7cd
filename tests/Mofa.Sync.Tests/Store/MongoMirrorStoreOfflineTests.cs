using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Configuration;
using MongoDB.Bson;
using MongoDB.Driver;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Store.MongoDb;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The parts of the MongoDB store that need no server: the document mapping, the shape of the
/// conditional update, the durability and read settings every collection carries, the secrecy of
/// the connection string and the fail-fast, one-line start. The rules
/// themselves run in <see cref="MongoMirrorStoreContractTests"/> against a real server.
/// </summary>
public sealed class MongoMirrorStoreOfflineTests
{
    private const string Secret = "s3cr3t-P4ss";

    private static MirrorDocument Module(string name = "$literal") => new()
    {
        Collection = MirrorCollection.Modules,
        Key = "https://moodle.example.edu|10",
        Site = "https://moodle.example.edu",
        CourseId = 1,
        Version = "000000000010.0000000000000000000.e1",
        Data = MirrorData.From(new ModuleData(1, 10, "resource", null, 100, name, "https://moodle.example.edu/mod/page/view.php?id=10")),
    };

    /// <summary>What the server does with our two-stage update pipeline ($project inclusion, then $set of $literal values).</summary>
    private static BsonDocument RunPipeline(BsonDocument? existing, string key, BsonDocument[] stages)
    {
        var doc = existing?.DeepClone().AsBsonDocument ?? new BsonDocument("_id", key);
        Assert.Equal(2, stages.Length);
        var project = stages[0]["$project"].AsBsonDocument;
        var kept = new BsonDocument("_id", doc["_id"]);
        foreach (var field in project)
        {
            Assert.Equal(1, field.Value.ToInt32());
            if (doc.TryGetValue(field.Name, out var value)) kept[field.Name] = value;
        }

        foreach (var field in stages[1]["$set"].AsBsonDocument)
        {
            var literal = field.Value.AsBsonDocument;
            Assert.Equal("$literal", Assert.Single(literal.Names));
            kept[field.Name] = literal["$literal"];
        }

        return kept;
    }

    [Fact]
    public void A_live_document_is_flattened_and_reads_back_with_the_same_data()
    {
        var module = Module();
        var data = MongoDocumentMapper.DataFields(module.Data, module.CourseId, module.UserId);
        var stored = RunPipeline(null, module.Key,
            MongoMirrorWriter.ReplaceStages(module.Site, module.CourseId, module.UserId, module.Version, deleted: false, data));

        Assert.Equal(module.Key, stored["_id"].AsString);
        Assert.Equal("resource", stored["kind"].AsString);
        Assert.Equal(BsonType.Int64, stored["courseId"].BsonType);
        Assert.Equal(BsonType.Int64, stored["cmId"].BsonType);
        Assert.Equal(BsonNull.Value, stored["resourceType"]);
        Assert.Equal("$literal", stored["name"].AsString);
        Assert.False(stored["deleted"].AsBoolean);
        Assert.False(stored["placeholder"].AsBoolean);
        Assert.Equal(BsonType.DateTime, stored["updatedAt"].BsonType);
        Assert.False(stored.Contains("userId"));

        var read = MongoDocumentMapper.FromBson(MirrorCollection.Modules, stored);
        Assert.Equal((module.Key, module.Site, module.CourseId, module.UserId, module.Version), (read.Key, read.Site, read.CourseId, read.UserId, read.Version));
        Assert.False(read.Deleted || read.Placeholder);
        Assert.True(JsonNode.DeepEquals(module.Data, read.Data), read.Data!.ToJsonString());
        Assert.Equal(MirrorData.As<ModuleData>(module), MirrorData.As<ModuleData>(read));
    }

    [Fact]
    public void Quiz_questions_and_user_ids_round_trip()
    {
        var quiz = MirrorData.From(new QuizData(1, 5, 11, [new QuizQuestionData(1, "$gt"), new QuizQuestionData(2, "a.b")]));
        var stored = RunPipeline(null, "k", MongoMirrorWriter.ReplaceStages("s", 1, null, "v", false, MongoDocumentMapper.DataFields(quiz, 1, null)));
        Assert.Equal(BsonType.Array, stored["questions"].BsonType);
        Assert.True(JsonNode.DeepEquals(quiz, MongoDocumentMapper.FromBson(MirrorCollection.Quizzes, stored).Data));

        var role = MirrorData.From(new TeacherRoleData(1, 7, "manager"));
        stored = RunPipeline(null, "k", MongoMirrorWriter.ReplaceStages("s", 1, 7, "v", false, MongoDocumentMapper.DataFields(role, 1, 7)));
        Assert.Equal(new TeacherRoleData(1, 7, "manager"), MirrorData.As<TeacherRoleData>(MongoDocumentMapper.FromBson(MirrorCollection.TeacherRoles, stored)));

        var user = MirrorData.From(new UserData(7, "u", "u@example.edu", "F", "L"));
        stored = RunPipeline(null, "k", MongoMirrorWriter.ReplaceStages("s", null, 7, "v", false, MongoDocumentMapper.DataFields(user, null, 7)));
        Assert.True(JsonNode.DeepEquals(user, MongoDocumentMapper.FromBson(MirrorCollection.Users, stored).Data));
    }

    [Fact]
    public void A_tombstone_drops_the_data_fields_and_keeps_the_parent_ids()
    {
        var module = Module();
        var live = RunPipeline(null, module.Key, MongoMirrorWriter.ReplaceStages(
            module.Site, module.CourseId, null, module.Version, false, MongoDocumentMapper.DataFields(module.Data, module.CourseId, null)));

        // TombstoneChildren names neither site nor parents; TombstoneIfNewer of a user names no course.
        var tombstone = RunPipeline(live, module.Key, MongoMirrorWriter.ReplaceStages(null, null, null, "000000000020.0000000000000000000.e2", true, []));

        Assert.Equal(["_id", "site", "courseId", "version", "deleted", "placeholder", "updatedAt"], tombstone.Names.ToArray());
        var read = MongoDocumentMapper.FromBson(MirrorCollection.Modules, tombstone);
        Assert.True(read.Deleted);
        Assert.Null(read.Data);
        Assert.Equal(1, read.CourseId);
        Assert.Equal(module.Site, read.Site);
    }

    [Fact]
    public void A_module_tombstone_keeps_the_deleted_name_and_nothing_else_of_the_module()
    {
        var module = Module("Essay");
        var live = RunPipeline(null, module.Key, MongoMirrorWriter.ReplaceStages(
            module.Site, module.CourseId, null, module.Version, false, MongoDocumentMapper.DataFields(module.Data, module.CourseId, null)));

        // What TombstoneIfNewerAsync with a name writes: the name is the tombstone's one field besides the envelope.
        var tombstone = RunPipeline(live, module.Key, MongoMirrorWriter.ReplaceStages(
            module.Site, module.CourseId, null, "000000000020.0000000000000000000.e2", true, new BsonDocument(MongoDocumentMapper.DeletedName, "Essay")));

        Assert.Equal(["_id", "site", "courseId", "version", "deleted", "placeholder", "updatedAt", "deletedName"], tombstone.Names.ToArray());
        var read = MongoDocumentMapper.FromBson(MirrorCollection.Modules, tombstone);
        Assert.True(read.Deleted);
        Assert.Null(read.Data);
        Assert.Equal("Essay", read.DeletedName);

        // The module written again (a newer create) is live without it.
        var again = RunPipeline(tombstone, module.Key, MongoMirrorWriter.ReplaceStages(
            module.Site, module.CourseId, null, "000000000030.0000000000000000000.e3", false, MongoDocumentMapper.DataFields(module.Data, module.CourseId, null)));
        Assert.False(again.Contains("deletedName"));
        Assert.Null(MongoDocumentMapper.FromBson(MirrorCollection.Modules, again).DeletedName);
    }

    [Fact]
    public void Data_fields_that_would_collide_with_the_envelope_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MongoDocumentMapper.DataFields(new JsonObject { ["version"] = "x" }, null, null));
        Assert.Throws<ArgumentException>(() => MongoDocumentMapper.DataFields(new JsonObject { ["deleted"] = true }, null, null));
        Assert.Throws<ArgumentException>(() => MongoDocumentMapper.DataFields(new JsonObject { ["$set"] = 1 }, null, null));
        Assert.Throws<ArgumentException>(() => MongoDocumentMapper.DataFields(new JsonObject { ["courseId"] = 2 }, 1, null));
        Assert.Throws<ArgumentException>(() => MongoDocumentMapper.DataFields(new JsonObject { ["userId"] = 7 }, null, null));
        Assert.Empty(MongoDocumentMapper.DataFields(new JsonObject { ["courseId"] = 1, ["userId"] = 7 }, 1, 7));
    }

    [Fact]
    public void The_server_is_described_without_credentials_or_options()
    {
        var store = new MongoMirrorStore(
            new MongoStoreOptions { ConnectionString = $"mongodb://mofa:{Secret}@db1.example:27017,db2.example:27018/admin?replicaSet=rs0&authSource=admin" },
            NullLogger<MongoMirrorStore>.Instance);

        Assert.Equal("mongodb://db1.example:27017,db2.example:27018", store.Server);
        Assert.Equal("mongodb", store.Kind);
        var redacted = store.Redact($"failed: mongodb://mofa:{Secret}@db1.example:27017,db2.example:27018/admin?replicaSet=rs0&authSource=admin and {Secret} and mongodb://other:pw@x");
        Assert.DoesNotContain(Secret, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("other:pw", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_connection_string_is_reported_without_quoting_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MongoMirrorStore(
            new MongoStoreOptions { ConnectionString = $"mongodb://mofa:{Secret}@db1.example:notaport/" },
            NullLogger<MongoMirrorStore>.Instance));

        Assert.Contains("Store:MongoDb:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
        Assert.Throws<ArgumentException>(() => new MongoMirrorStore(new MongoStoreOptions { ConnectionString = "" }, NullLogger<MongoMirrorStore>.Instance));
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_start_fast_with_a_clear_message_and_no_password()
    {
        // Port 1 on the loopback: connection refused, no server ever selected.
        await using var store = new MongoMirrorStore(
            new MongoStoreOptions { ConnectionString = $"mongodb://mofa:{Secret}@127.0.0.1:1/" },
            NullLogger<MongoMirrorStore>.Instance);
        // A budget against a hang, not a timing assertion: the start must fail by itself (server selection
        // times out after 5 s), long before this cancels it; a cancellation would fail the test as such.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(hang.Token));

        Assert.Contains("mongodb://127.0.0.1:1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PingAsync(CancellationToken.None));
    }

    private static MongoMirrorStore Store(string connectionString) =>
        new(new MongoStoreOptions { ConnectionString = connectionString }, NullLogger<MongoMirrorStore>.Instance);

    private static void AssertDurableAndPrimary(MongoCollectionSettings settings, WriteConcern.WValue w)
    {
        Assert.Equal(w, settings.WriteConcern.W);
        Assert.True(settings.WriteConcern.Journal);
        Assert.Equal(MongoStoreConnection.DefaultWriteTimeout, settings.WriteConcern.WTimeout);
        Assert.True(settings.WriteConcern.IsAcknowledged);
        Assert.Equal(ReadPreferenceMode.Primary, settings.ReadPreference.ReadPreferenceMode);
        Assert.Equal(ReadConcernLevel.Local, settings.ReadConcern.Level);
    }

    [Fact]
    public async Task Every_collection_writes_with_majority_journaled_and_reads_the_primary_whatever_the_connection_string_says()
    {
        // A connection string shared with readers: weaker writes, secondary reads, majority read concern.
        await using var store = Store("mongodb://db1.example:27017,db2.example:27017/?replicaSet=rs0&w=1&journal=false&readPreference=secondaryPreferred&readConcernLevel=majority");
        foreach (var c in MirrorCollectionNames.All) AssertDurableAndPrimary(store.CollectionOf(c).Settings, WriteConcern.WMode.Majority);

        // The notification store shares the client, and so the settings.
        await using var notifications = new MongoNotificationStore(store);
        AssertDurableAndPrimary(notifications.Digests.Settings, WriteConcern.WMode.Majority);

        // So does one on its own (mofa-sync notifications).
        await using var alone = new MongoNotificationStore(new MongoStoreOptions { ConnectionString = "mongodb://db1.example/?readPreference=secondary" });
        AssertDurableAndPrimary(alone.Digests.Settings, WriteConcern.WMode.Majority);
    }

    [Theory]
    [InlineData("mongodb://db.example/", "majority", 10_000)]
    [InlineData("mongodb://db.example/?w=1", "majority", 10_000)]
    [InlineData("mongodb://db.example/?w=majority&journal=false", "majority", 10_000)]
    [InlineData("mongodb://db.example/?w=3", "3", 10_000)]
    [InlineData("mongodb://db.example/?w=twoDataCenters&wtimeoutMS=2500", "twoDataCenters", 2_500)]
    public void The_write_concern_is_majority_journaled_and_bounded_unless_the_connection_string_asks_for_more(string connectionString, string w, int wtimeoutMs)
    {
        var concern = MongoStoreConnection.DurableWriteConcern(MongoClientSettings.FromConnectionString(connectionString).WriteConcern);
        Assert.Equal(w, concern.W.ToString());
        Assert.True(concern.Journal);
        Assert.Equal(TimeSpan.FromMilliseconds(wtimeoutMs), concern.WTimeout);
        using var connection = new MongoStoreConnection(new MongoStoreOptions { ConnectionString = connectionString });
        Assert.Equal(concern, connection.WriteConcern);
    }

    [Fact]
    public void W0_is_refused_at_start_with_a_readable_message_and_no_password()
    {
        var connectionString = $"mongodb://mofa:{Secret}@db.example:27017/?w=0";
        var ex = Assert.Throws<ArgumentException>(() => Store(connectionString));
        Assert.Contains("Store:MongoDb:ConnectionString asks for w=0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("w=majority", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MongoNotificationStore(new MongoStoreOptions { ConnectionString = connectionString }));

        // The settings check at start-up says it first, with the setting's environment variable.
        Assert.NotNull(MongoStoreConnection.Problem(connectionString));
        Assert.Null(MongoStoreConnection.Problem("mongodb://db.example/?w=1"));
        var settings = Assert.Throws<SettingsException>(() => MofaSyncSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Kind"] = "MongoDb",
            ["Store:MongoDb:ConnectionString"] = connectionString,
        }).Build()));
        Assert.Contains("Store:MongoDb:ConnectionString must not ask for w=0", settings.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__STORE__MONGODB__CONNECTIONSTRING", settings.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, settings.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timeouts_have_bounded_defaults_unless_the_connection_string_sets_them()
    {
        var seen = new List<MongoClientSettings>();
        using (new MongoStoreConnection(new MongoStoreOptions { ConnectionString = "mongodb://db.example/" }, seen.Add))
        using (new MongoStoreConnection(new MongoStoreOptions { ConnectionString = "mongodb://db.example/?serverSelectionTimeoutMS=1500&connectTimeoutMS=700&socketTimeoutMS=9000&wtimeoutMS=4000" }, seen.Add))
        using (new MongoStoreConnection(new MongoStoreOptions { ConnectionString = $"mongodb://connectTimeoutMS:{Secret}@db.example/" }, seen.Add))
        using (new MongoStoreConnection(new MongoStoreOptions { ConnectionString = "mongodb://db.example/?socketTimeout=7" }, seen.Add))
        {
        }

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)),
            (seen[0].ServerSelectionTimeout, seen[0].ConnectTimeout, seen[0].SocketTimeout, seen[0].WriteConcern.WTimeout));
        Assert.Equal((TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(4)),
            (seen[1].ServerSelectionTimeout, seen[1].ConnectTimeout, seen[1].SocketTimeout, seen[1].WriteConcern.WTimeout));
        // An option's name in the user info is not the option; the driver's name without "MS" (in seconds) is.
        Assert.Equal(TimeSpan.FromSeconds(5), seen[2].ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), seen[3].SocketTimeout);
        // The socket timeout leaves room for the server's answer to a write concern timeout.
        Assert.True(MongoStoreConnection.DefaultSocketTimeout > MongoStoreConnection.DefaultWriteTimeout);
        Assert.True(MongoStoreConnection.ReadinessWriteTimeout < MongoStoreConnection.DefaultWriteTimeout);
    }

    [Fact]
    public void A_connection_string_without_any_limit_on_waiting_for_a_reply_is_refused_without_quoting_it()
    {
        foreach (var unbounded in new[] { "socketTimeoutMS=0", "sockettimeout=0" })
        {
            var ex = Assert.Throws<ArgumentException>(() => Store($"mongodb://mofa:{Secret}@db.example/?{unbounded}"));
            Assert.Contains("socketTimeoutMS=0", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        }

        // wtimeoutMS=0 (wait for ever) the driver refuses itself.
        var wtimeout = Assert.Throws<ArgumentException>(() => Store($"mongodb://mofa:{Secret}@db.example/?wtimeoutMS=0"));
        Assert.Contains("Store:MongoDb:ConnectionString is not a valid MongoDB connection string", wtimeout.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, wtimeout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_is_a_heartbeat_write_that_fails_when_the_server_is_unreachable()
    {
        // Port 1 on the loopback: no server; the readiness write fails with a plain, redacted line.
        await using var store = Store($"mongodb://mofa:{Secret}@127.0.0.1:1/?serverSelectionTimeoutMS=500");
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PingAsync(hang.Token));
        Assert.StartsWith("MongoDB on mongodb://127.0.0.1:1 does not answer", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Pairs whose UTF-16 order (string.CompareOrdinal) differs from their UTF-8 byte order, which is the
    /// servers' (MongoDB's simple collation, SQLite's BINARY): a supplementary character (a surrogate pair)
    /// against one of U+E000–U+FFFF, at the end of an otherwise equal version.
    /// </summary>
    public static TheoryData<string, string> ByteOrderPairs => new()
    {
        { "\U0001F600", "\uFF21" },        // 😀 (F0 9F 98 80) after Ａ (EF BC A1)
        { "\U00010000", "\uE000" },        // the first supplementary character after the first private-use one
        { "\U0010FFFF", "\uFFFF" },
        { "a\U0001F600", "a\uFFFD" },
        { "\U0001F600x", "\uFFFDzzz" },    // the first difference decides, not the length
    };

    [Theory]
    [MemberData(nameof(ByteOrderPairs))]
    public void Versions_compare_as_their_UTF8_bytes_do(string newer, string older)
    {
        var a = EventVersion.Of(1_750_000_000, 0, newer);
        var b = EventVersion.Of(1_750_000_000, 0, older);
        var bytes = Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

        Assert.True(bytes > 0, "the pair is ordered as the servers order it");
        Assert.True(string.CompareOrdinal(a, b) < 0, "UTF-16 code units order the pair the other way (else the pair proves nothing)");
        Assert.True(EventVersion.Compare(a, b) > 0);
        Assert.True(EventVersion.Compare(b, a) < 0);
        Assert.Equal(0, EventVersion.Compare(a, new string(a.AsSpan())));
    }

    [Fact]
    public void Versions_compare_as_their_UTF8_bytes_do_across_the_planes()
    {
        // One character from each range that matters, every pair both ways, against the byte order.
        string[] samples = ["", "\u0000", "a", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF",
            "\U00010000", "\U0001F600", "\U0010FFFF", "aa", "a\U0001F600"];
        foreach (var x in samples)
        {
            foreach (var y in samples)
            {
                var bytes = Math.Sign(Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)));
                Assert.True(bytes == Math.Sign(EventVersion.Compare(x, y)), $"'{Escape(x)}' vs '{Escape(y)}'");
            }
        }

        static string Escape(string s) => string.Concat(s.Select(c => $"\\u{(int)c:X4}"));
    }

    [Fact]
    public void A_user_without_a_password_is_reported_as_a_bad_connection_string()
    {
        var ex = Assert.Throws<ArgumentException>(() => Store("mongodb://mofa@db.example/"));
        Assert.Contains("Store:MongoDb:ConnectionString is not a valid MongoDB connection string", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public async Task An_unreachable_server_fails_both_stores_start_with_one_line_and_no_password()
    {
        var options = new MongoStoreOptions { ConnectionString = $"mongodb://mofa:{Secret}@127.0.0.1:1/?serverSelectionTimeoutMS=1500" };
        await using var mirror = new MongoMirrorStore(options, NullLogger<MongoMirrorStore>.Instance);
        await using var notifications = new MongoNotificationStore(options);

        foreach (var start in new Func<Task>[] { () => mirror.InitializeAsync(CancellationToken.None), () => notifications.InitializeAsync(CancellationToken.None) })
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(start);
            Assert.Equal("MongoDB on mongodb://127.0.0.1:1 is unreachable (no server selected within the server selection timeout; " +
                "check the host, the port, TLS and the replica set name): Connection refused", ex.Message);
            Assert.Null(ex.InnerException);
        }
    }

    [Fact]
    public async Task A_srv_name_that_does_not_resolve_fails_the_start_with_one_line_and_no_password()
    {
        var options = new MongoStoreOptions { ConnectionString = $"mongodb+srv://mofa:{Secret}@cluster0.mofa-test.invalid/mofa?serverSelectionTimeoutMS=1500" };
        await using var mirror = new MongoMirrorStore(options, NullLogger<MongoMirrorStore>.Instance);
        await using var notifications = new MongoNotificationStore(options);
        Assert.Equal("mongodb+srv://cluster0.mofa-test.invalid", mirror.Server);

        foreach (var start in new Func<Task>[] { () => mirror.InitializeAsync(CancellationToken.None), () => notifications.InitializeAsync(CancellationToken.None) })
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(start);
            Assert.StartsWith("MongoDB on mongodb+srv://cluster0.mofa-test.invalid is unreachable", ex.Message, StringComparison.Ordinal);
            Assert.Contains("_mongodb._tcp.cluster0.mofa-test.invalid", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
            Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
            Assert.Null(ex.InnerException);
        }
    }

    [Fact]
    public void One_current_digest_per_course_is_a_unique_index_over_the_current_digests_only()
    {
        var index = MongoNotificationStore.CurrentDigestIndex();
        // Typed options: the driver sends the partial filter only from CreateIndexOptions<TDocument> of the collection's document type.
        var options = Assert.IsType<CreateIndexOptions<BsonDocument>>(index.Options);
        Assert.True(options.Unique);
        Assert.Equal("one_current_digest_per_course", options.Name);
        var args = new RenderArgs<BsonDocument>(MongoDB.Bson.Serialization.Serializers.BsonDocumentSerializer.Instance, MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry);
        Assert.Equal(new BsonDocument("current", true), options.PartialFilterExpression.Render(args));
        Assert.Equal(new BsonDocument { { "site", 1 }, { "courseId", 1 } }, index.Keys.Render(args));
    }
}
