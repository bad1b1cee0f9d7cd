using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Faults.Child;
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
        var (history, expected) = FaultRun.History(seed: 5, length: 3000);
        await using var env = new TestEnvironment();
        var settings = new Dictionary<string, string> { ["Service:ShutdownTimeout"] = ShutdownTimeout.ToString() };
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(history.Select(BridgeBody.Of));

        // The SIGTERM strikes where the test put it: after 500 writes the store holds a committed
        // delivery, unacknowledged, and every other write waits (HoldingStore), until the host
        // starts stopping; then they go on, as work in flight at a SIGTERM does.
        await using (var first = MofaSyncProcess.Run(env, settings, new ChildFaults { HoldWritesAfter = [500], ReleaseAtStop = true }))
        {
            await first.WaitUntilReadyAsync();
            await first.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget);
            var waitingAtTheSigterm = await FaultRun.BacklogAsync(env);

            first.Terminate();
            var exitCode = await first.WaitForExitAsync(ShutdownTimeout + Margin);

            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{first.Tail()}");
            Assert.Contains(HoldingStore.ReleasedLine, first.Output, StringComparison.Ordinal);
            Assert.True(waitingAtTheSigterm > 0, "the queues should hold messages at the SIGTERM: the held writes stop the drain");
            Assert.True(await FaultRun.BacklogAsync(env) > 0, "after SIGTERM the service should stop taking new messages, leaving the rest queued");
        }

        // Messages in flight finished (none faulted); the rest waited for the next instance.
        foreach (var agent in Enum.GetValues<Mofa.Sync.Consumers.Subscriptions.SyncAgent>())
        {
            Assert.Empty(await env.ErrorQueueAsync(agent));
        }

        await using var second = MofaSyncProcess.Run(env, settings);
        await second.WaitUntilReadyAsync();
        await FaultRun.WaitUntilSettledAsync(env, 1, second);

        // The held delivery had committed: had it not been acknowledged at the stop, it would come back found applied.
        var duplicates = (await second.ScrapeAsync()).Sum(FaultRun.Outcomes, ("outcome", "duplicate"));
        Assert.True(duplicates == 0, $"every message in flight at the SIGTERM should have finished and been acknowledged; {duplicates} came back applied already");
        await FaultRun.AssertMirrorCompleteAsync(env, expected);

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(ShutdownTimeout + Margin));
    }
}
