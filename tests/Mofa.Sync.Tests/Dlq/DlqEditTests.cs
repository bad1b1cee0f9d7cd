using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Health;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// `mofa-sync dlq edit` as an operator runs it (the built executable), on a real dead letter: b1,
/// a course_created without its courseId, dead-lettered by the running service, which is then
/// stopped so the agent's queue shows what the edit sent.
/// </summary>
public sealed class DlqEditTests
{
    private const string Id = "b1";

    /// <summary>Budget against a hang of the killed command, not a timing assertion.</summary>
    private static readonly TimeSpan CommandBudget = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_valid_edit_is_applied_once_and_a_second_edit_of_the_message_is_refused()
    {
        await using var env = new TestEnvironment();
        var original = await DeadLetterOneAsync(env);
        using var files = new TempFiles();

        var written = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--out", files.Path("original.json"));
        Assert.True(written.ExitCode == 0, written.Err + written.Out);
        Assert.Equal(original, await File.ReadAllBytesAsync(files.Path("original.json")));

        var edited = Fixed(original);
        await File.WriteAllBytesAsync(files.Path("edited.json"), edited);
        var dry = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("edited.json"), "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Err + dry.Out);
        Assert.Contains("Nothing was sent", dry.Out, StringComparison.Ordinal);
        Assert.Single(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, AgentQueue(env)));

        var edit = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("edited.json"));
        Assert.True(edit.ExitCode == 0, edit.Err + edit.Out);
        // The log line: which message, when, and both bodies' hashes.
        Assert.Contains($"Dead letter {Id} of {ErrorQueue(env)} edited at", edit.Err, StringComparison.Ordinal);
        Assert.Contains($"original {Sha256(original)}, edited {Sha256(edited)}", edit.Err, StringComparison.Ordinal);

        Assert.Empty(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));
        var sent = Assert.Single(await DlqTestKit.PeekAllAsync(env, AgentQueue(env)));
        Assert.Equal(edited, sent.Body.ToArray());
        Assert.Equal(Id, sent.Properties.MessageId);
        Assert.Equal(BridgeRoutingKeys.CourseCreated, OriginalRoutingKey.Read(sent.Properties.Headers));
        // Without the failure's record: no MT-Fault-*, no broker death, no delivery count.
        Assert.DoesNotContain(sent.Properties.Headers!.Keys, k => k.StartsWith("MT-", StringComparison.Ordinal) || k is "x-death" or "x-delivery-count");

        var again = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("edited.json"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"no message with id '{Id}' is in {ErrorQueue(env)}", again.Out, StringComparison.Ordinal);
        Assert.Single(await DlqTestKit.PeekAllAsync(env, AgentQueue(env)));

        var outcomes = await ApplyAsync(env, 1);
        Assert.Equal(1, outcomes.Applied);
        Assert.Equal("Course b1", Assert.Single((await env.ExportAsync()).Courses).FullName);
    }

    [Fact]
    public async Task The_editor_edits_a_private_copy_and_what_it_saves_is_sent()
    {
        await using var env = new TestEnvironment();
        var original = await DeadLetterOneAsync(env);

        // An "editor" that adds the missing courseId in place, as an operator would.
        var editor = new Dictionary<string, string> { ["EDITOR"] = "sed -i s/\"fullName\"/\"courseId\":41,\"fullName\"/" };
        var edit = await MofaSyncCli.RunAsync(env, editor, "dlq", "edit", "course", "--message-id", Id);
        Assert.True(edit.ExitCode == 0, edit.Err + edit.Out);

        var sent = Assert.Single(await DlqTestKit.PeekAllAsync(env, AgentQueue(env)));
        Assert.Equal(41, JsonNode.Parse(sent.Body.ToArray())!["courseId"]!.GetValue<int>());
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));
        Assert.Contains($"original {Sha256(original)}, edited {Sha256(sent.Body.ToArray())}", edit.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "mofa-sync-edit-*.json"));
    }

    [Fact]
    public async Task An_invalid_edit_is_refused_with_its_reasons_and_changes_nothing()
    {
        await using var env = new TestEnvironment();
        var original = await DeadLetterOneAsync(env);
        using var files = new TempFiles();

        // Still no courseId: refused with the validator's reason.
        var renamed = JsonNode.Parse(original)!.AsObject();
        renamed["fullName"] = "Renamed";
        await File.WriteAllTextAsync(files.Path("still-invalid.json"), renamed.ToJsonString());
        var invalid = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("still-invalid.json"));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains(InvalidMessages.MissingCourseId, invalid.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing changed", invalid.Out, StringComparison.Ordinal);

        // Valid, but another event: refused too.
        var other = JsonNode.Parse(Fixed(original))!.AsObject();
        other["eventId"] = "b1-other";
        await File.WriteAllTextAsync(files.Path("other-event.json"), other.ToJsonString());
        var otherEvent = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("other-event.json"));
        Assert.Equal(1, otherEvent.ExitCode);
        Assert.Contains("eventId is 'b1-other'", otherEvent.Out, StringComparison.Ordinal);

        Assert.DoesNotContain("edited at", invalid.Err + otherEvent.Err, StringComparison.Ordinal);
        var left = Assert.Single(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));
        Assert.Equal(original, left.Body.ToArray());
        Assert.Contains(InvalidMessages.MissingCourseId, left.Reason.Text, StringComparison.Ordinal);
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, AgentQueue(env)));
    }

    [Fact]
    public async Task A_kill_between_publish_and_removal_leaves_one_copy_which_the_apply_rules_absorb()
    {
        await using var env = new TestEnvironment();
        var original = await DeadLetterOneAsync(env);
        using var files = new TempFiles();
        var edited = Fixed(original);
        await File.WriteAllBytesAsync(files.Path("edited.json"), edited);

        // The command kills itself once the broker confirmed the edited message, before it removes the dead letter.
        await using (var command = MofaSyncProcess.Start(env, ["dlq", "edit", "course", "--message-id", Id, "--body", files.Path("edited.json")],
            new Dictionary<string, string>(), faults: new ChildFaults { KillAtDiagnostic = $"{DeadLetterEditor.DiagnosticListenerName}/{DeadLetterEditor.PublishedEvent}" }))
        {
            var exit = await command.WaitForExitAsync(CommandBudget);
            Assert.Contains(FaultStartupHook.KillingLine, command.Output, StringComparison.Ordinal);
            Assert.NotEqual(0, exit);
        }

        // At most one copy left: the original, invalid as it was, in _error; the edited one in the agent's queue.
        var left = Assert.Single(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));
        Assert.Equal(original, left.Body.ToArray());
        Assert.Equal(edited, Assert.Single(await DlqTestKit.PeekAllAsync(env, AgentQueue(env))).Body.ToArray());

        // The operator, not knowing, edits it again: the second copy of the same event is absorbed.
        var again = await MofaSyncCli.RunAsync(env, "dlq", "edit", "course", "--message-id", Id, "--body", files.Path("edited.json"));
        Assert.True(again.ExitCode == 0, again.Err + again.Out);
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env)));

        var outcomes = await ApplyAsync(env, 2);
        Assert.Equal(1, outcomes.Applied);
        Assert.Equal(1, outcomes.Duplicate);
        Assert.Equal("Course b1", Assert.Single((await env.ExportAsync()).Courses).FullName);
    }

    private static string AgentQueue(TestEnvironment env) => QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);

    private static string ErrorQueue(TestEnvironment env) => DlqTestKit.ErrorQueue(env, SyncAgent.Course);

    /// <summary>b1 dead-lettered by the running service, which is then stopped; its body.</summary>
    private static async Task<byte[]> DeadLetterOneAsync(TestEnvironment env)
    {
        await using (var service = await TestService.StartAsync(env))
        {
            await DlqTestKit.PublishAsync(env, [InvalidMessages.Of(Id)]);
            await DlqTestKit.WaitForDeadLettersAsync(env, 1);
        }

        return Assert.Single(await DlqTestKit.PeekAllAsync(env, ErrorQueue(env))).Body.ToArray();
    }

    /// <summary>The body with the courseId it lacked (Course b1 is course 41 in InvalidMessages).</summary>
    private static byte[] Fixed(byte[] original)
    {
        var json = JsonNode.Parse(original)!.AsObject();
        json["courseId"] = 41;
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>Starts the service, waits until it handled <paramref name="deliveries"/>, and counts their outcomes.</summary>
    private static async Task<(long Applied, long Duplicate)> ApplyAsync(TestEnvironment env, long deliveries)
    {
        // The counts begin before the bus starts (the first hosted service): the messages wait in the queue already.
        MeterCounts? counts = null;
        await using var service = await TestService.StartAsync(env, services => services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp =>
            new StartHook(() => counts = new MeterCounts(sp.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName))))));
        using var measured = counts!;
        await env.WaitForHandledAsync(deliveries, service);
        return (measured.Of("mofa_sync_events", ("outcome", "applied")), measured.Of("mofa_sync_events", ("outcome", "duplicate")));
    }

    private sealed class StartHook(Action atStart) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            atStart();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private sealed class TempFiles : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("mofa-sync-edit-").FullName;

        public string Path(string name) => System.IO.Path.Combine(_folder, name);

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
