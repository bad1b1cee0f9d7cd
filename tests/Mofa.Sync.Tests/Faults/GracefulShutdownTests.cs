using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>Fault 5: SIGTERM stops the intake, lets the messages in flight finish, and exits in bounded time.</summary>
public sealed class GracefulShutdownTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Process start-up and tear-down around the shutdown itself (a safety margin, not a measurement).</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sigterm_stops_taking_messages_exits_with_zero_and_a_restart_completes_the_mirror()
    {
        var (history, expected) = FaultRun.History(seed: 5, length: 10_000);
        await using var env = new TestEnvironment();
        var settings = new Dictionary<string, string> { ["Service:ShutdownTimeout"] = ShutdownTimeout.ToString() };

        // The whole history waits in the queues before the service starts: published while it ran,
        // a fast service could drain it before the SIGTERM.
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(history.Select(BridgeBody.Of));
        await using (var first = ServiceProcess.Run(env, settings))
        {
            await first.WaitUntilReadyAsync();
            await FaultRun.WaitUntilReceivedAsync(first, 200);
            Assert.True(await FaultRun.BacklogAsync(env) > 0, "SIGTERM should arrive mid-stream; the service had already drained the queues");

            first.Terminate();
            var exitCode = await first.WaitForExitAsync(ShutdownTimeout + Margin);

            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{first.Tail()}");
            Assert.True(await FaultRun.BacklogAsync(env) > 0, "after SIGTERM the service should stop taking new messages, leaving the rest queued");
        }

        // Messages in flight finished (none faulted); the rest waited for the next instance.
        foreach (var agent in Enum.GetValues<Agents.Routing.SyncAgent>())
        {
            Assert.Empty(await env.ErrorQueueAsync(agent));
        }

        await using var second = ServiceProcess.Run(env, settings);
        await second.WaitUntilReadyAsync();
        await FaultRun.WaitUntilSettledAsync(env, 1, second);
        await FaultRun.AssertMirrorCompleteAsync(env, expected);

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(ShutdownTimeout + Margin));
    }
}
