using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Tests.Store;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/schemas/export/MirrorExport.schema.json is generated from the export's records, and a real
/// export (the recorded term start applied to a SQLite file) passes it.
/// </summary>
public sealed class MirrorExportSchemaTests
{
    [Fact]
    public void The_published_export_schema_is_the_generated_one()
    {
        var generated = MirrorExportSchema.Generate();
        var path = RepoPaths.Of(MirrorExportSchema.Path);
        if (Environment.GetEnvironmentVariable("MOFASYNC_UPDATE_SCHEMAS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
            return;
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == generated,
            $"{MirrorExportSchema.Path} is out of date. Regenerate it with: MOFASYNC_UPDATE_SCHEMAS=1 dotnet test tests/Mofa.Sync.Tests --filter \"FullyQualifiedName~MirrorExportSchemaTests\"");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_export_of_the_term_start_passes_the_published_schema(bool includeTombstones)
    {
        var export = await ExportOfTermStartAsync(includeTombstones);
        Assert.NotEmpty(export.Users);
        Assert.NotEmpty(export.QuizQuestions);
        Assert.Equal(includeTombstones, export.Modules.Any(m => m.Deleted == true));

        var result = PublishedSchema().Evaluate(JsonDocument.Parse(export.ToJson()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public async Task The_schema_rejects_what_the_export_never_writes()
    {
        var export = JsonNode.Parse((await ExportOfTermStartAsync(false)).ToJson())!.AsObject();
        var user = export["users"]![0]!.AsObject();
        user["password"] = "secret";
        user.Remove("username");
        export["courses"]![0]!["courseId"] = "101";

        var result = PublishedSchema().Evaluate(JsonDocument.Parse(export.ToJsonString()).RootElement);
        Assert.False(result.IsValid);
    }

    /// <summary>Each list of the export says what it holds: a new list needs its line in MirrorExportSchema (docs/architecture.md, recipe b).</summary>
    [Fact]
    public void Every_list_of_the_export_is_described()
    {
        var lists = JsonNode.Parse(MirrorExportSchema.Generate())!["properties"]!.AsObject();
        Assert.NotEmpty(lists);
        Assert.All(lists, list => Assert.False(
            string.IsNullOrWhiteSpace(list.Value?["description"]?.GetValue<string>()),
            $"the export's list {list.Key} has no description; add it to MirrorExportSchema.Descriptions"));
    }

    /// <summary>A collection added to the mirror is exported too: the export reads every one (a new document kind, docs/architecture.md, recipe b).</summary>
    [Fact]
    public async Task The_export_reads_every_collection_of_the_mirror()
    {
        var path = SqliteTestFile.NewPath("mofa-export-reads");
        try
        {
            await using var store = new SqliteMirrorStore(new SqliteStoreOptions { Path = path }, NullLogger<SqliteMirrorStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            var reads = new ReadRecordingStore(store);
            await MirrorExport.ReadAsync(reads, includeTombstones: true, CancellationToken.None);
            Assert.Equal(MirrorCollectionNames.All.Order(), reads.Read.Order());
        }
        finally
        {
            SqliteTestFile.Delete(path);
        }
    }

    /// <summary>Which collections were read; everything else goes to the real store.</summary>
    private sealed class ReadRecordingStore(IMirrorStore inner) : IMirrorStore
    {
        public List<MirrorCollection> Read { get; } = [];

        public string Kind => inner.Kind;

        public bool WritesAreAtomic => inner.WritesAreAtomic;

        public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

        public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) => inner.WriteAsync(work, ct);

        public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct)
        {
            Read.Add(collection);
            return inner.ReadAllAsync(collection, ct);
        }

        public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) => inner.PurgeTombstonesAsync(olderThan, ct);

        public Task PingAsync(CancellationToken ct) => inner.PingAsync(ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static JsonSchema PublishedSchema() => PublishedSchemas.Of(MirrorExportSchema.Path);

    private static async Task<MirrorExport> ExportOfTermStartAsync(bool includeTombstones)
    {
        var path = SqliteTestFile.NewPath("mofa-export-schema");
        try
        {
            await using var store = new SqliteMirrorStore(new SqliteStoreOptions { Path = path }, NullLogger<SqliteMirrorStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            var applier = new MirrorApplier(store, new HashSet<string> { "editingteacher", "manager" });
            var number = 0;
            foreach (var text in File.ReadAllLines(RepoPaths.Of("samples/term-start.jsonl")))
            {
                number++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                var line = BridgeLine.FromJsonLine(text, null, number);
                var parsed = BridgeAgents.Parser.Parse(line.RoutingKey, line.Body);
                if (parsed.Event is not null) await applier.ApplyAnyAsync(parsed.Event, CancellationToken.None);
            }

            return await MirrorExport.ReadAsync(store, includeTombstones, CancellationToken.None);
        }
        finally
        {
            SqliteTestFile.Delete(path);
        }
    }
}
