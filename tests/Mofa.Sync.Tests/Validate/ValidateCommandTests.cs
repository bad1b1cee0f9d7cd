using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Tests.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Keys = Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Validate;

/// <summary>`mofa-sync validate` as a bridge author runs it: the built executable, no broker, no store.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mofa-validate-{Guid.NewGuid():N}.jsonl");

    public void Dispose()
    {
        if (File.Exists(_file)) File.Delete(_file);
    }

    private static Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args) => CommandLine.RunAsync(args);

    private static string Course(Action<JsonObject> mutate)
    {
        var body = JsonNode.Parse(Bridge.Event(Keys.CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" }).Body)!.AsObject();
        mutate(body);
        return body.ToJsonString();
    }

    [Fact]
    public async Task The_recorded_term_start_is_all_valid()
    {
        var run = await RunAsync("validate", RepoPaths.Of("samples/term-start.jsonl"));
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        var lines = File.ReadAllLines(RepoPaths.Of("samples/term-start.jsonl")).Count(l => l.Trim().Length > 0);
        Assert.Contains($"{lines} message(s): {lines} valid, 0 invalid, 0 ignored", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_bad_line_is_reported_with_its_number_and_the_services_reason_and_the_exit_code_says_so()
    {
        var zeroCourse = Course(b => b["courseId"] = 0);
        var escapeInSite = Course(b => b["site"] = "moodle\u001b[2J\u202e");
        File.WriteAllLines(_file,
        [
            Course(_ => { }),
            zeroCourse,
            "",
            "this is not json {",
            escapeInSite,
            Bridge.Event("core.course_viewed", new { courseId = 10 }).Body,
            """{"schemaVersion":1}""",
        ]);

        var run = await RunAsync("validate", _file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($":2: {Reason(Keys.CourseCreated, zeroCourse)}", run.Out, StringComparison.Ordinal);
        Assert.Contains(":4: invalid: the body is not JSON", run.Out, StringComparison.Ordinal);
        Assert.Contains(":5: invalid: core.course_created: site must be the site's absolute http(s) address", run.Out, StringComparison.Ordinal);
        Assert.Contains(":6: ignored (core.course_viewed): the sync does not handle this event kind", run.Out, StringComparison.Ordinal);
        Assert.Contains(":7: invalid: no routing key", run.Out, StringComparison.Ordinal);
        Assert.Contains("6 message(s): 1 valid, 4 invalid, 1 ignored", run.Out, StringComparison.Ordinal);

        // The reason quotes the site back; its control characters arrive escaped, never raw.
        Assert.DoesNotContain('\u001b', run.Out);
        Assert.DoesNotContain('\u202e', run.Out);
        Assert.Contains("moodle\\u001B[2J\\u202E", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_gives_the_counts_and_every_lines_outcome()
    {
        var zeroCourse = Course(b => b["courseId"] = 0);
        File.WriteAllLines(_file, [Course(_ => { }), zeroCourse]);

        var run = await RunAsync("validate", _file, "--json");
        Assert.Equal(1, run.ExitCode);
        var report = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal((2, 1, 1, 0), (report.GetProperty("messages").GetInt32(), report.GetProperty("valid").GetInt32(),
            report.GetProperty("invalid").GetInt32(), report.GetProperty("ignored").GetInt32()));
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["valid", "invalid"], lines.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal(2, lines[1].GetProperty("line").GetInt32());
        Assert.Equal(Keys.CourseCreated, lines[1].GetProperty("routingKey").GetString());
        Assert.Equal(Reason(Keys.CourseCreated, zeroCourse), "invalid: " + lines[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_fixed_routing_key_is_used_for_every_line_as_publish_would()
    {
        // A course body sent on the module routing key: the service reads it as a module and says what is missing.
        File.WriteAllLines(_file, [Course(b => b["eventName"] = "\\core\\event\\course_module_created")]);
        var run = await RunAsync("validate", _file, "--routing-key", Keys.CourseModuleCreated);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("core.course_module_created: missing required field(s)", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Moodle_sites_configured_a_message_from_another_site_is_invalid_as_in_the_service()
    {
        File.WriteAllLines(_file, [Course(_ => { }), Course(b => b["site"] = "https://elsewhere.example")]);
        var run = await RunAsync("validate", _file, "--setting", "Moodle:Sites:0:Url=https://moodle.example.edu");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(":2: invalid: core.course_created: site https://elsewhere.example is not one of the configured Moodle sites", run.Out, StringComparison.Ordinal);
        Assert.Contains("2 message(s): 1 valid, 1 invalid", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_above_the_services_body_limit_is_invalid_with_the_services_reason()
    {
        var large = Course(b => b["padding"] = new string('x', 3000));
        File.WriteAllLines(_file, [Course(_ => { }), large]);
        var run = await RunAsync("validate", _file, "--setting", "RabbitMq:MaxBodyBytes=2048");
        Assert.Equal(1, run.ExitCode);
        var expected = new Mofa.Sync.Consumers.Edge.MessageLimits(2048, Mofa.Sync.Consumers.Edge.MessageLimits.DefaultMaxHeaderBytes)
            .Check(Encoding.UTF8.GetByteCount(large), null, "application/json", null);
        Assert.Contains($":2: invalid ({Keys.CourseCreated}): {expected}", run.Out, StringComparison.Ordinal);
        Assert.Contains("RabbitMq:MaxBodyBytes", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var run = await RunAsync("validate", _file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_verdict_is_the_parsers_own_with_the_routing_key_publish_derives()
    {
        var zeroCourse = Course(b => b["courseId"] = 0);
        var verdict = BridgeFileValidator.CheckLine(zeroCourse, 3, null);
        var line = BridgeLine.FromJsonLine(zeroCourse, null, 3);
        Assert.Equal(line.RoutingKey, verdict.RoutingKey);
        var expected = Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(line.RoutingKey, line.Body)).Message;
        Assert.Equal(new LineVerdict(3, Keys.CourseCreated, line.MessageId, LineOutcome.Invalid, expected), verdict);
    }

    /// <summary>"invalid: " + the reason the service's parser gives for <paramref name="body"/> on <paramref name="routingKey"/>.</summary>
    private static string Reason(string routingKey, string body) =>
        "invalid: " + Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(routingKey, Encoding.UTF8.GetBytes(body))).Message;
}
