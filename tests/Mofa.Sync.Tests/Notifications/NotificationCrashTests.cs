using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>The service killed (SIGKILL, a real process) while Moodle is handling a call, then restarted.</summary>
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
        using (var process = StartServiceProcess(world.Env))
        {
            await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(401, "Final exam"))]);
            await world.Moodle.WaitForCallsAsync(1);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Equal(100, world.Moodle.Calls.Single().Messages.Count);

        // Restarted: the unacknowledged DeliverDigest comes back.
        await using var restarted = await world.StartServiceAsync();
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 50, "the other 50 delivered"));

        Assert.Equal(2, world.Moodle.Calls.Count);
        var perRecipient = world.Moodle.MessagesByRecipient();
        Assert.All(teachers, t => Assert.Single(perRecipient[t]));
        Assert.Equal((150, 50, 100, 0), (status.Recipients, status.Delivered, status.Interrupted, status.Waiting));
    }

    /// <summary>`mofa-sync run` as its own process, with the test's settings.</summary>
    private static Process StartServiceProcess(TestEnvironment env)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mofa-sync.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("run");
        foreach (var (key, value) in env.Configuration().AsEnumerable().Where(p => p.Value is not null))
        {
            start.ArgumentList.Add("--setting");
            start.ArgumentList.Add($"{key}={value}");
        }

        var process = Process.Start(start)!;
        // Drain the output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
