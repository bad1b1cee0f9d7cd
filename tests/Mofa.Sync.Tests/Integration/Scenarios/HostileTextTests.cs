using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>
/// Text that attacks a terminal (ESC[2J clears the screen, U+202E reverses what follows) and a
/// binary body: rejected as docs/contract.md says, and printed by the command line with no escape
/// character reaching the terminal (real broker, the service running, the built executable).
/// </summary>
public sealed class HostileTextTests
{
    private const string Hostile = "\u001b[2J\u202eEvil course";

    [Fact]
    public async Task A_name_with_ESC_and_RLO_is_rejected_and_mirror_show_dlq_show_dlq_list_and_notifications_print_no_escape_character()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var bridge = new PhpBridge("https://moodle.example.edu");
        await env.PublishAsync([bridge.Event(CourseCreated, new { courseId = 20, fullName = Hostile, shortName = "EVIL" })]);
        await using (var publisher = await BridgePublisher.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            await publisher.PublishAsync(CourseCreated, new byte[] { 0x1b, 0x5d, 0x30, 0x3b, 0x70, 0x77, 0x6e, 0x07, 0xff, 0x00 }, "binary-1", CancellationToken.None);
        }

        await env.WaitForHandledAsync(2, service);
        var rejected = await env.ErrorQueueAsync(SyncAgent.Course);
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, m => m.Reason.Contains("fullName must not contain control characters or bidirectional overrides (found U+001B (ESC) at character 1)", StringComparison.Ordinal));
        Assert.Empty((await env.ExportAsync()).Courses);

        // A name stored before these rules existed (written here past the validators, as an older version would have).
        var settings = MofaSyncSettings.Bind(env.Configuration());
        await using (var store = await StoreFactory.OpenAsync(settings, NullLoggerFactory.Instance, CancellationToken.None))
        {
            await new MirrorApplier(store, settings.Sync.TeacherRoleSet()).ApplyAsync(new CourseChanged
            {
                SchemaVersion = 1,
                EventId = "old-1",
                Site = "https://moodle.example.edu",
                EventName = "\\core\\event\\course_created",
                TimeCreated = 1_788_000_000,
                ActorId = 2,
                CourseId = 21,
                FullName = Hostile,
                ShortName = "OLD\u0007",
            }, CancellationToken.None);
        }

        // A module of that name, applied by the service itself, so its teachers' notification is recorded with the name.
        var applier = service.Services.GetRequiredService<MirrorApplier>();
        var result = await applier.ApplyAsync(new CourseModuleChanged
        {
            SchemaVersion = 1,
            EventId = "old-2",
            Site = "https://moodle.example.edu",
            EventName = "\\core\\event\\course_module_created",
            TimeCreated = 1_788_000_001,
            ActorId = 2,
            CourseId = 21,
            CmId = 210,
            ModuleName = "assign",
            InstanceId = 1,
            Name = "Essay \u202Efdp.exe\u001b]0;pwned\u0007",
        }, CancellationToken.None);
        Assert.NotNull(result.Change);

        foreach (var command in new[] { new[] { "mirror", "show" }, ["dlq", "show", "course"], ["dlq", "list"], ["notifications"] })
        {
            var (exitCode, output, error) = await MofaSyncCli.RunAsync(env, command);
            var name = string.Join(' ', command);
            Assert.True(exitCode == 0, $"{name}: {error}");
            Assert.False(output.Contains('\u001b', StringComparison.Ordinal), $"{name} printed an ESC byte");
            Assert.False(output.Contains('\u202e', StringComparison.Ordinal), $"{name} printed U+202E");
            Assert.False(output.Contains('\u0007', StringComparison.Ordinal), $"{name} printed a BEL byte");
            Assert.False(output.Contains('\0', StringComparison.Ordinal), $"{name} printed a NUL byte");
            if (command[0] == "mirror") Assert.Contains("\\u001B[2J\\u202EEvil course", output, StringComparison.Ordinal);
            // The table wraps its narrow cells, so only the start of the name is sure to be on one line.
            if (command[0] == "notifications") Assert.Contains("Essay", output, StringComparison.Ordinal);
        }

        // The table wraps long lines; the JSON form has each body whole.
        var show = await MofaSyncCli.RunAsync(env, "dlq", "show", "course", "--json");
        var bodies = System.Text.Json.JsonDocument.Parse(show.Out).RootElement.EnumerateArray().Select(m => m.GetProperty("body").GetString()).ToList();
        Assert.Contains("(binary body, 10 bytes, not UTF-8 text; all in hex) 1b 5d 30 3b 70 77 6e 07 ff 00", bodies);
        Assert.Contains(bodies, b => b!.Contains("\\u001B[2J\\u202EEvil course", StringComparison.Ordinal));
    }
}
