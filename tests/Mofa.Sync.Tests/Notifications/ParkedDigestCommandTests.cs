using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// `mofa-sync notifications` (the real executable) tells a digest parked in the notifications'
/// _error queue from one being sent, and says what to do; doing it (replay) delivers it. Real broker,
/// real SQLite file, Moodle played by a real HTTP server.
/// </summary>
public sealed class ParkedDigestCommandTests
{
    [Fact]
    public async Task A_parked_digest_shows_as_parked_with_the_replay_command_and_as_delivered_once_replayed()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.Answer = (_, _) => FakeMoodleServer.Reply.Exception("invalidtoken", "Invalid token - token not found");
        await using (var service = await world.StartServiceAsync())
        {
            await world.CreateCourseWithTeachersAsync(service, [11, 12]);
            await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(501, "Midterm"))]);
            await world.WaitForErrorQueueAsync(1);
            await world.Consumed.WaitForAsync(1);
        }

        var (code, table) = await CommandAsync(world, "notifications");
        Assert.True(code == 0, table);
        Assert.Contains("parked", table, StringComparison.Ordinal);
        Assert.Contains("1 notification(s) parked in " + world.Env.Rabbit.QueuePrefix + ".notifications_error", table, StringComparison.Ordinal);
        Assert.Contains("then run: mofa-sync dlq replay notifications", table, StringComparison.Ordinal);
        Assert.DoesNotContain("being", table, StringComparison.Ordinal);

        (code, var json) = await CommandAsync(world, "notifications", "--json");
        Assert.True(code == 0, json);
        var line = Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray());
        Assert.True(line.GetProperty("parked").GetBoolean(), json);
        Assert.Equal(NotificationsCommand.ParkedStatus, line.GetProperty("status").GetString());

        // What it says to do, once the token works: the digest is delivered, and no longer parked.
        world.Moodle.Answer = (call, _) => FakeMoodleServer.Reply.Success(call, ids: world.Moodle);
        await using (var service = await world.StartServiceAsync())
        {
            // A new process counts what an earlier one parked: its notifications are degraded until a delivery succeeds.
            var signals = service.Services.GetRequiredService<HealthSignals>();
            var budget = DateTime.UtcNow.AddMinutes(1); // a budget against hangs, not a timing assertion
            while (signals.Notifications.Current is null && DateTime.UtcNow < budget) await Task.Delay(50);
            Assert.Contains("already parked", signals.Notifications.Current?.Reason, StringComparison.Ordinal);

            (code, var replayed) = await CommandAsync(world, "dlq", "replay", "notifications");
            Assert.True(code == 0, replayed);
            await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 2, "the replayed digest delivered");
            Assert.Null(signals.Notifications.Current);
        }

        (code, json) = await CommandAsync(world, "notifications", "--json");
        line = Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray());
        Assert.False(line.GetProperty("parked").GetBoolean(), json);
        Assert.Equal("delivered", line.GetProperty("status").GetString());
    }

    private static async Task<(int Code, string Output)> CommandAsync(NotificationWorld world, params string[] arguments)
    {
        await using var command = MofaSyncProcess.Start(world.Env, arguments, new Dictionary<string, string>());
        var code = await command.WaitForExitAsync(TimeSpan.FromSeconds(60)); // a budget against hangs
        return (code, command.Output);
    }
}
