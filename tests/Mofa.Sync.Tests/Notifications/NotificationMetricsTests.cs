using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Tests.Health;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Teacher messages show in mofa_sync_notifications_total by outcome (real broker, real service,
/// Moodle played by a real HTTP server). Measured on this service's own meter, so other tests'
/// services in the process do not add to the counts.
/// </summary>
public sealed class NotificationMetricsTests
{
    private const string Notifications = "mofa_sync_notifications";

    [Fact]
    public async Task Delivered_and_refused_messages_are_counted_by_outcome()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.Answer = (call, _) => FakeMoodleServer.Reply.Success(call,
            m => m.ToUserId == 13 ? "The message could not be sent: the user can not receive messages" : null, world.Moodle);
        await using var service = await world.StartServiceAsync();
        using var counts = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        await world.CreateCourseWithTeachersAsync(service, [11, 12, 13]);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(301, "Midterm"))]);
        await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered + n[0].Failed == 3, "3 deliveries recorded");
        await world.Consumed.WaitForAsync(1);

        Assert.Equal(2, counts.Of(Notifications, ("outcome", NotificationOutcomes.Delivered)));
        Assert.Equal(1, counts.Of(Notifications, ("outcome", NotificationOutcomes.Refused)));
        Assert.Equal(0, counts.Of(Notifications, ("outcome", NotificationOutcomes.CallFailed)));
    }

    [Fact]
    public async Task A_call_Moodle_rejects_as_a_whole_is_counted_as_call_failed_for_each_teacher()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.Answer = (_, _) => FakeMoodleServer.Reply.Exception("invalidtoken", "Invalid token - token not found");
        await using var service = await world.StartServiceAsync();
        using var counts = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        await world.CreateCourseWithTeachersAsync(service, [11, 12]);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(302, "Essay"))]);
        await world.WaitForErrorQueueAsync(1);

        // A bad token is permanent: one call, not retried, so each teacher counts once.
        Assert.Equal(2, counts.Of(Notifications, ("outcome", NotificationOutcomes.CallFailed)));
        Assert.Equal(0, counts.Of(Notifications, ("outcome", NotificationOutcomes.Delivered)));
        // The parked digest is a dead-lettered message of the notification queue, and no bridge event's outcome.
        Assert.Equal(1, counts.Of("mofa_sync_dead_lettered", ("queue", QueueNames.Notifications(world.Env.Rabbit.QueuePrefix))));
        Assert.Equal(0, counts.Of("mofa_sync_events", ("outcome", SyncMetrics.Faulted)));
    }
}
