using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>The service killed (SIGKILL, a real process) at the outbox's and the delivery's worst moments, then restarted.</summary>
public sealed class NotificationCrashTests
{
    [Fact]
    public async Task A_service_killed_mid_send_and_restarted_sends_nobody_twice_and_finishes_the_rest()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:Timeout"] = "00:02:00", ["Service:HealthPort"] = "0" });
        var teachers = Enumerable.Range(1, 150).Select(i => (long)(100 + i)).ToList();
        await using (var setup = await world.StartServiceAsync())
        {
            await world.CreateCourseWithTeachersAsync(setup, teachers);
        }

        // The first call (100 recipients) hangs: the service is killed while Moodle holds it.
        world.Moodle.Answer = (call, n) => n == 1 ? FakeMoodleServer.Reply.Hang : FakeMoodleServer.Reply.Success(call, ids: world.Moodle);
        await using (var process = StartMofaSyncProcess(world.Env))
        {
            await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(401, "Final exam"))]);
            await world.Moodle.WaitForCallsAsync(1);
            process.Kill();
            await process.WaitForExitAsync(FaultRun.HangBudget);
        }

        Assert.Equal(100, world.Moodle.Calls.Single().Messages.Count);

        // Restarted: the unacknowledged NotificationRequested comes back.
        await using var restarted = await world.StartServiceAsync();
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 50, "the other 50 delivered"));

        Assert.Equal(2, world.Moodle.Calls.Count);
        var perRecipient = world.Moodle.MessagesByRecipient();
        Assert.All(teachers, t => Assert.Single(perRecipient[t]));
        Assert.Equal((150, 50, 100, 0), (status.Recipients, status.Delivered, status.Interrupted, status.Waiting));
    }

    [Theory]
    [InlineData(OutboxFaultPoint.AfterClose)]
    [InlineData(OutboxFaultPoint.AfterPublish)]
    public async Task A_service_killed_between_a_digests_close_publish_and_mark_messages_every_teacher_exactly_once_after_restart(string killAt)
    {
        await using var world = new NotificationWorld(new() { ["Service:HealthPort"] = "0" });
        var teachers = Enumerable.Range(1, 5).Select(i => (long)(200 + i)).ToList();
        await using (var setup = await world.StartServiceAsync())
        {
            await world.CreateCourseWithTeachersAsync(setup, teachers);
        }

        // The process kills itself (SIGKILL) at that point of the digest's publishing (a fault
        // point only this test registers, in the process it starts).
        await using (var process = StartMofaSyncProcess(world.Env, killAt))
        {
            await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(402, "Take-home exam"))]);
            var exitCode = await process.WaitForExitAsync(FaultRun.HangBudget);
            Assert.True(exitCode == 137, $"the process should have killed itself at {killAt} (SIGKILL, 137); it exited with {exitCode}:\n{process.Tail()}");
        }

        var digest = Assert.Single(await world.NotificationsAsync());
        Assert.Equal("closed", digest.DigestState);
        Assert.Equal(0, digest.Delivered);

        // Restarted: the digest is still unpublished (killed before its mark) and is published again;
        // after a kill past the publish the first copy waits in the queue as well.
        await using var restarted = await world.StartServiceAsync();
        var copies = killAt == OutboxFaultPoint.AfterPublish ? 2 : 1;
        await world.Consumed.WaitForAsync(copies);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == teachers.Count, "every teacher messaged"));

        var perRecipient = world.Moodle.MessagesByRecipient();
        Assert.All(teachers, t => Assert.Single(perRecipient[t]));
        Assert.Equal(teachers.Count, world.Moodle.Calls.Sum(c => c.Messages.Count));
        Assert.Equal((teachers.Count, teachers.Count), (status.Recipients, status.Delivered));
        await using var store = new SqliteNotificationStore(new SqliteStoreOptions { Path = world.Env.DatabasePath });
        await WaitUntilAsync(async () => (await store.DueDigestsAsync(DateTimeOffset.UtcNow.AddDays(1), 10, CancellationToken.None)).Count == 0, "the digest marked published");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within a minute: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>`mofa-sync run` as its own process, with the test's settings (and the outbox's kill point, if any).</summary>
    private static MofaSyncProcess StartMofaSyncProcess(TestEnvironment env, string? killAt = null) =>
        MofaSyncProcess.Start(env, ["run"], new Dictionary<string, string>(), faults: killAt is null ? null : new ChildFaults { KillAtOutboxPoint = killAt });
}
