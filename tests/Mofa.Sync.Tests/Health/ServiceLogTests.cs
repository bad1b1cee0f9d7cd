using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// What the real executable writes to its log, read from its output: one line per expected failure
/// (no stack trace below Debug), start (with the version) and stop, and the JSON format's text and
/// event names. Real broker, real SQLite file, Moodle played by a real HTTP server (here: stopped).
/// </summary>
public sealed class ServiceLogTests
{
    private static readonly Dictionary<string, string> Informational = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:MassTransit"] = "Warning",
        ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Information",
    };

    [Fact]
    public async Task A_stopped_Moodle_gives_one_short_line_per_retry_and_per_parked_digest_between_the_start_and_stop_lines()
    {
        await using var world = new NotificationWorld([]);
        await world.Moodle.DisposeAsync(); // Moodle is down from the start: connections are refused
        await using var service = MofaSyncProcess.Run(world.Env, Informational);
        await service.WaitUntilReadyAsync();

        await world.Env.PublishAsync([BridgeBody.Of(world.Course()), BridgeBody.Of(world.Role(11, "editingteacher"))]);
        await FaultRun.WaitUntilSettledAsync(world.Env, 2, service);
        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(601, "Quiz"))]);
        await world.WaitForErrorQueueAsync(1);

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromMinutes(1))); // a budget against hangs
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(lines, l => l.Contains($"Starting mofa-sync {ServiceVersion.Informational}:", StringComparison.Ordinal));
        // Moodle:RetryLimit is 2: the start-up check and the digest each retried twice, one line a retry.
        var retries = lines.Where(l => l.Contains("connection refused", StringComparison.OrdinalIgnoreCase) && l.Contains("; retry ", StringComparison.Ordinal)).ToList();
        Assert.True(retries.Count >= 4, service.Output);
        Assert.All(retries, l => Assert.True(l.Length < 300, l));
        var moved = lines.Where(l => l.Contains("moving it to " + world.Env.Rabbit.QueuePrefix + ".notifications_error", StringComparison.Ordinal)).ToList();
        Assert.True(moved.Count == 1, service.Output);
        var parked = moved[0];
        Assert.Contains("MoodleUnavailableException", parked, StringComparison.Ordinal);
        Assert.True(parked.Length < 600, parked);
        Assert.Contains(lines, l => l.Contains("Stopping: no new messages are taken", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimEnd().EndsWith("Stopped", StringComparison.Ordinal));
        Assert.True(Array.FindIndex(lines, l => l.Contains("Stopping:", StringComparison.Ordinal)) < Array.FindLastIndex(lines, l => l.TrimEnd().EndsWith("Stopped", StringComparison.Ordinal)));

        // No per-attempt chatter of the resilience library, and no stack trace at all.
        Assert.DoesNotContain("Polly", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_start_up_failure_is_one_line_without_the_hosts_stack_trace()
    {
        await using var env = new TestEnvironment();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var service = MofaSyncProcess.Start(env, ["run"], new Dictionary<string, string>(Informational)
        {
            ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var code = await service.WaitForExitAsync(TimeSpan.FromMinutes(1)); // a budget against hangs
        Assert.NotEqual(0, code);
        Assert.Contains("Service:HealthPort", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(service.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_json_format_writes_text_as_it_is_and_names_each_event()
    {
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string>(Informational) { ["Logging:Format"] = "json" });
        await service.WaitUntilReadyAsync();

        const string messageId = "evt+1'2\"3<4>";
        await using (var publisher = await BridgePublisher.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            await publisher.PublishAsync(BridgeRoutingKeys.CourseCreated, "not json"u8.ToArray(), messageId, CancellationToken.None);
        }

        var budget = DateTime.UtcNow.AddMinutes(1); // a budget against hangs, not a timing assertion
        while (!service.Output.Contains("Invalid bridge message", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > budget) throw new TimeoutException(service.Tail());
            await Task.Delay(100);
        }

        var line = service.Output.Split('\n').First(l => l.Contains("Invalid bridge message", StringComparison.Ordinal));
        Assert.Contains("evt+1'2\\\"3<4>", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", line, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(line);
        Assert.Contains(messageId, json.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Invalid bridge message {MessageId}", json.RootElement.GetProperty("EventName").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, json.RootElement.GetProperty("EventId").GetInt32());

        // The same kind of line has the same id; another kind another.
        var ids = service.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Name: e.GetProperty("EventName").GetString(), Id: e.GetProperty("EventId").GetInt32())).Distinct().ToList();
        Assert.Equal(ids.Count, ids.Select(i => i.Id).Distinct().Count());
        Assert.Contains(ids, i => i.Name!.StartsWith("Starting mofa-sync {Version}", StringComparison.Ordinal));
    }
}
