using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>Fault 6: two service processes on one broker and one SQLite file converge to the in-order mirror.</summary>
public sealed class TwoProcessTests
{
    [Fact]
    public async Task Two_processes_sharing_the_queues_and_the_store_converge_to_the_expected_mirror()
    {
        var (history, expected) = FaultRun.History(seed: 6, length: 3000);
        var random = new Random(6);
        var deliveries = history.Concat(history.Where(_ => random.NextDouble() < 0.2)).OrderBy(_ => random.Next()).ToList();

        await using var env = new TestEnvironment();
        await using var first = MofaSyncProcess.Run(env);
        await using var second = MofaSyncProcess.Run(env);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());

        await env.PublishAsync(deliveries.Select(BridgeBody.Of));
        await FaultRun.WaitUntilSettledAsync(env, deliveries.Count, first, second);

        // Both took part (prefetch spreads the queues over the two consumers).
        Assert.True((await first.ScrapeAsync()).Sum(FaultRun.Outcomes) > 0, "the first process handled nothing");
        Assert.True((await second.ScrapeAsync()).Sum(FaultRun.Outcomes) > 0, "the second process handled nothing");
        await FaultRun.AssertMirrorCompleteAsync(env, expected);

        first.Terminate();
        second.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
