using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>Fault 3: SIGKILL while the service holds unacknowledged messages, then a restart.</summary>
public sealed class ProcessKillTests
{
    [Fact]
    public async Task A_service_killed_mid_stream_loses_nothing_and_applies_nothing_twice_in_effect_after_a_restart()
    {
        var (history, expected) = FaultRun.History(seed: 3, length: 3000);
        await using var env = new TestEnvironment();
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(history.Select(BridgeBody.Of));

        // The kill strikes where the test put it, not when the drain happens to be somewhere: after
        // 500 writes the store holds a delivery whose write committed, unacknowledged, and makes
        // every other write wait uncommitted (HoldingStore).
        await using (var first = MofaSyncProcess.Run(env, null, new ChildFaults { HoldWritesAfter = [500] }))
        {
            await first.WaitUntilReadyAsync();
            await first.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget);
            first.Kill();
            await first.WaitForExitAsync(FaultRun.HangBudget);
        }

        // One message at a time after the restart: the held delivery comes back before any later
        // event of its document can overtake it, and must be found applied already.
        await using var second = MofaSyncProcess.Run(env, new Dictionary<string, string>
        {
            ["RabbitMq:PrefetchCount"] = "1",
            ["RabbitMq:ConcurrentMessageLimit"] = "1",
        });
        await second.WaitUntilReadyAsync();
        // Settled with whatever it found (none at all, had the kill missed): the check of the duplicates says which.
        await FaultRun.WaitUntilSettledAsync(env, 0, second);
        var duplicates = (await second.ScrapeAsync()).Sum(FaultRun.Outcomes, ("outcome", "duplicate"));
        Assert.True(duplicates >= 1, "the kill should have hit a delivery committed and not yet acknowledged; the restarted service found none applied already");
        await FaultRun.AssertMirrorCompleteAsync(env, expected);
    }
}
