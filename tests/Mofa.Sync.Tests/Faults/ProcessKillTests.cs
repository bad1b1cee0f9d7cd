using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>Fault 3: SIGKILL while the service holds unacknowledged messages, then a restart.</summary>
public sealed class ProcessKillTests
{
    [Fact]
    public async Task A_service_killed_mid_stream_loses_nothing_and_applies_nothing_twice_in_effect_after_a_restart()
    {
        var (history, expected) = FaultRun.History(seed: 3, length: 10_000);
        await using var env = new TestEnvironment();

        // The whole history waits in the queues before the service starts: published while it ran,
        // a fast service could drain it before the kill.
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(history.Select(BridgeBody.Of));
        await using (var first = ServiceProcess.Run(env))
        {
            await first.WaitUntilReadyAsync();
            await FaultRun.WaitUntilReceivedAsync(first, 200);

            // With messages still waiting, each agent's consumer holds a full prefetch window of
            // unacknowledged deliveries (and some writes committed but not yet acknowledged).
            var waiting = await FaultRun.BacklogAsync(env);
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(waiting > 0, "the kill should strike mid-stream; the service had already drained the queues");
        }

        await using var second = ServiceProcess.Run(env);
        await second.WaitUntilReadyAsync();
        await FaultRun.WaitUntilSettledAsync(env, 1, second);
        await FaultRun.AssertMirrorCompleteAsync(env, expected);
    }
}
