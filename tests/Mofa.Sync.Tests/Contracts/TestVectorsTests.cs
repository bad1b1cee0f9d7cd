using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Mofa.Sync.Tests.Contracts.Schema;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Validate;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/examples/: the test vectors a bridge's own tests can use. Every valid vector is valid for
/// the service and its published schema, and through the real broker gives exactly
/// valid.export.json; every invalid vector is rejected with exactly the reason in
/// invalid.expected.json, by the parser, by `mofa-sync validate` and by the running service.
/// MOFASYNC_UPDATE_EXAMPLES=1 rewrites the reasons and the export (then review the diff).
/// </summary>
public sealed class TestVectorsTests
{
    private const string Valid = "docs/examples/valid.jsonl";
    private const string Invalid = "docs/examples/invalid.jsonl";
    private const string InvalidExpected = "docs/examples/invalid.expected.json";
    private const string ValidExport = "docs/examples/valid.export.json";

    private static bool Updating => Environment.GetEnvironmentVariable("MOFASYNC_UPDATE_EXAMPLES") == "1";

    private sealed record ExpectedRejection(int Line, string Case, string Reason);

    private static readonly JsonSerializerOptions ExpectedJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static List<(int Line, string Text)> Lines(string path) =>
        File.ReadAllLines(RepoPaths.Of(path), Encoding.UTF8).Select((text, i) => (i + 1, text)).Where(l => l.text.Trim().Length > 0).ToList();

    private static List<ExpectedRejection> Expected() =>
        JsonSerializer.Deserialize<List<ExpectedRejection>>(File.ReadAllText(RepoPaths.Of(InvalidExpected)), ExpectedJson)!;

    [Fact]
    public void Every_valid_vector_is_valid_and_passes_its_published_schema()
    {
        var lines = Lines(Valid);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, text) in lines)
        {
            var verdict = BridgeFileValidator.CheckLine(text, number, null);
            Assert.True(verdict.Outcome == LineOutcome.Valid, $"{Valid}:{number}: {verdict.Outcome} {verdict.Reason}");
            keys.Add(verdict.RoutingKey!);

            var contract = ContractSchemas.Routes.Single(r => r.RoutingKey == verdict.RoutingKey).Contract;
            var schema = PublishedSchemas.Of($"{ContractSchemas.Directory}/{ContractSchemas.FileName(contract)}");
            var result = schema.Evaluate(JsonDocument.Parse(text).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{Valid}:{number} does not pass {ContractSchemas.FileName(contract)}");
        }

        // One per routing key, and the edge cases the page promises.
        Assert.Equal(ContractSchemas.Routes.Select(r => r.RoutingKey).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        var bodies = lines.Select(l => JsonNode.Parse(l.Text)!.AsObject()).ToList();
        Assert.True(bodies.Select(b => (string)b["site"]!).Distinct().Count() >= 2, "two sites");
        Assert.Contains(bodies, b => b["questions"] is JsonArray { Count: 0 });
        Assert.Contains(bodies, b => b["cmId"] is not null && b["moduleName"]!.GetValue<string>() != "quiz" && !b.ContainsKey("url"));
        Assert.Contains(bodies, b => b.ContainsKey("url") && b["url"] is null);
        Assert.Contains(bodies, b => !b.ContainsKey("sequence"));
        Assert.Contains(lines, l => l.Text.Any(char.IsSurrogate));
        Assert.Contains(bodies, b => b["user"]?["firstName"]?.GetValue<string>() == "");
    }

    [Fact]
    public void Every_invalid_vector_is_rejected_with_exactly_its_documented_reason()
    {
        var lines = Lines(Invalid);
        var verdicts = lines.Select(l => BridgeFileValidator.CheckLine(l.Text, l.Line, null)).ToList();
        if (Updating)
        {
            var cases = File.Exists(RepoPaths.Of(InvalidExpected)) ? Expected().ToDictionary(e => e.Line, e => e.Case) : [];
            var rewritten = verdicts.Select(v => new ExpectedRejection(v.Line, cases.GetValueOrDefault(v.Line, "(describe this case)"), v.Reason ?? "(valid!)")).ToList();
            File.WriteAllText(RepoPaths.Of(InvalidExpected), JsonSerializer.Serialize(rewritten, ExpectedJson) + "\n");
            return;
        }

        var expected = Expected();
        Assert.Equal(lines.Select(l => l.Line), expected.Select(e => e.Line));
        foreach (var (verdict, documented) in verdicts.Zip(expected))
        {
            Assert.True(verdict.Outcome == LineOutcome.Invalid, $"{Invalid}:{verdict.Line} ({documented.Case}) is {verdict.Outcome}");
            Assert.True(documented.Reason == verdict.Reason,
                $"{Invalid}:{verdict.Line} ({documented.Case}): the service says\n  {verdict.Reason}\nthe vector documents\n  {documented.Reason}\n(MOFASYNC_UPDATE_EXAMPLES=1 rewrites {InvalidExpected})");
        }
    }

    [Fact]
    public async Task Mofa_sync_validate_accepts_the_valid_vectors_and_rejects_each_invalid_one_with_its_reason()
    {
        if (Updating) return;   // the reasons file is being rewritten by the test beside this one
        var valid = await CommandLine.RunAsync("validate", RepoPaths.Of(Valid));
        Assert.True(valid.ExitCode == 0, valid.Out + valid.Err);

        var invalid = await CommandLine.RunAsync("validate", RepoPaths.Of(Invalid), "--json");
        Assert.Equal(1, invalid.ExitCode);
        var report = JsonDocument.Parse(invalid.Out).RootElement;
        var expected = Expected();
        Assert.Equal(expected.Count, report.GetProperty("invalid").GetInt32());
        Assert.Equal(
            expected.Select(e => (e.Line, "invalid", e.Reason)),
            report.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("outcome").GetString()!, l.GetProperty("reason").GetString()!)));
    }

    [Fact]
    public async Task Through_the_real_broker_the_valid_vectors_give_the_documented_export_and_the_invalid_ones_their_reasons()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);

        var valid = Lines(Valid).Select(l => BridgeLine.FromJsonLine(l.Text, null, l.Line)).ToList();
        // The invalid vectors that publish can send (a routing key derived from eventName).
        var expected = Expected().ToDictionary(e => e.Line);
        var invalid = Lines(Invalid)
            .Select(l => (l.Line, Route: TryRoute(l.Text, l.Line), l.Text))
            .Where(l => l.Route is not null)
            .ToList();
        Assert.True(invalid.Count >= 20, $"only {invalid.Count} invalid vectors have a routing key");

        await env.PublishAsync(valid.Select(l => (l.RoutingKey, Encoding.UTF8.GetString(l.Body))).Concat(invalid.Select(l => (l.Route!, l.Text))));
        await env.WaitForHandledAsync(valid.Count + invalid.Count, service);

        var export = (await env.ExportAsync()).ToJson() + "\n";
        if (Updating) await File.WriteAllTextAsync(RepoPaths.Of(ValidExport), export);
        else Assert.Equal(await File.ReadAllTextAsync(RepoPaths.Of(ValidExport)), export);

        var errors = new List<ErrorQueueMessage>();
        foreach (var agent in Enum.GetValues<SyncAgent>()) errors.AddRange(await env.ErrorQueueAsync(agent));
        Assert.Equal(invalid.Count, errors.Count);
        foreach (var (line, _, text) in invalid)
        {
            var dead = Assert.Single(errors, e => e.Body == text);
            Assert.True(dead.Reason == expected[line].Reason, $"{Invalid}:{line}: the error queue says '{dead.Reason}', the vector documents '{expected[line].Reason}'");
        }
    }

    private static string? TryRoute(string text, int line)
    {
        try
        {
            return BridgeLine.FromJsonLine(text, null, line).RoutingKey;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
