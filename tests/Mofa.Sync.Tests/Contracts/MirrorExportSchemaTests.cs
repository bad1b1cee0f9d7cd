using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Consumers.Parsing;
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
