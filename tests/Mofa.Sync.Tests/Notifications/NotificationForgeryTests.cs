using Mofa.Sync.Tests.Health;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Anyone who can publish to the notification exchange sees every digest's id. A NotificationRequested
/// that is not what the service recorded for that digest messages nobody (real broker, real service,
/// Moodle played by a real HTTP server that counts its calls).
/// </summary>
public sealed class NotificationForgeryTests
{
    private const string Attack = "Your account expires today. <a href=\"https://evil.example/login\">Log in here</a>";

    [Fact]
    public async Task A_forged_NotificationRequested_calls_no_Moodle_and_the_real_digest_is_still_delivered_with_its_own_text()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:RetryLimit"] = "0" });
        // The real digest's first call fails: its delivery waits for a replay, as in the probe.
        world.Moodle.Answer = (call, n) => n == 1 ? FakeMoodleServer.Reply.Unavailable : FakeMoodleServer.Reply.Success(call, ids: world.Moodle);
        var logs = new CapturedLogs();
        await using var service = await world.StartServiceAsync(s => s.AddSingleton<ILoggerProvider>(logs));
        using var refusals = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        await world.CreateCourseWithTeachersAsync(service, [11, 12, 13]);
        await using var subscriber = await Subscriber.BindAsync(world);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(310, "Final exam"))]);
        await world.WaitForErrorQueueAsync(1);
        var real = Assert.Single(await subscriber.ReceivedAsync(1));
        Assert.Single(world.Moodle.Calls);
        Assert.Equal(3, Assert.Single(await world.NotificationsAsync()).Waiting);

        // The probe's forgery (the digest's id, the configured site, the attacker's text), and two more.
        var forgeries = new[]
        {
            Forge(real, m => { m["text"]!["html"] = Attack; m["text"]!["plain"] = Attack; }),
            Forge(real, m => m["recipients"] = new JsonArray(11, 12, 13, 666)),
            Forge(real, m => m["notificationId"] = Guid.NewGuid().ToString("N")),
        };
        foreach (var body in forgeries) await subscriber.PublishAsync(real, body);
        await world.Consumed.WaitForAsync(1 + forgeries.Length);

        Assert.Single(world.Moodle.Calls);
        Assert.Equal(2, refusals.Of("mofa_sync_notification_requests_refused", ("reason", NotificationRequestRefusals.Differs)));
        Assert.Equal(1, refusals.Of("mofa_sync_notification_requests_refused", ("reason", NotificationRequestRefusals.UnknownDigest)));
        var warnings = logs.Lines.Where(l => l.Contains("refused, nobody messaged", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("its text is not the digest's", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("its recipients are not the digest's", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("this service recorded no digest with that id", StringComparison.Ordinal));
        Assert.Equal(3, Assert.Single(await world.NotificationsAsync()).Waiting);
        Assert.Single(await world.ErrorQueueAsync());

        // The real copy (a replay would bring the same) goes to the three teachers with the digest's own text.
        await subscriber.RepublishAsync(real);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 3, "the real digest delivered"));
        Assert.Equal(0, status.Failed);
        var call = world.Moodle.Calls.Single(c => c.Number == 2);
        Assert.Equal([11L, 12, 13], call.Messages.Select(m => m.ToUserId).Order());
        Assert.All(call.Messages, m => Assert.DoesNotContain("evil.example", m.Text, StringComparison.Ordinal));
        Assert.All(call.Messages, m => Assert.Equal((string?)JsonNode.Parse(real.Body.Span)!["message"]!["text"]!["html"], m.Text));
    }

    /// <summary>The received envelope with its message changed.</summary>
    private static byte[] Forge(RabbitMQ.Client.BasicGetResult real, Action<JsonNode> change)
    {
        var envelope = JsonNode.Parse(real.Body.Span)!;
        change(envelope["message"]!);
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }
}
