using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Cluster;

/// <summary>
/// Issue 17, cases 1 and 2: the service on a three-node cluster with quorum queues loses a node
/// mid-stream and carries on through the others; the mirror ends as the in-order history says.
/// Every node stopped is started again in a finally block.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLossTests(LocalCluster cluster)
{
    private static readonly Dictionary<string, string> Logging = new() { ["Logging:LogLevel:MassTransit"] = "Warning" };

    [SkippableFact]
    public async Task Losing_the_connected_node_and_then_the_queue_leader_mid_stream_loses_nothing()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var (history, expected) = FaultRun.History(seed: 17, length: 20_000);
        var firstHalf = history.Take(history.Count / 2).Select(BridgeBody.Of).ToList();
        var secondHalf = history.Skip(history.Count / 2).Select(BridgeBody.Of).ToList();

        await using var env = LocalCluster.NewEnvironment();
        var courseQueue = BridgeRoutes.QueueName(env.Rabbit.QueuePrefix, SyncAgent.Course);
        await using var service = ServiceProcess.Run(env, Logging);
        await service.WaitUntilReadyAsync();
        // Asked before the stream starts, so that the node goes away mid-stream, not after it.
        var connected = await LocalCluster.NodeConsumingAsync(courseQueue);
        await env.PublishAsync(firstHalf);
        await FaultRun.WaitUntilReceivedAsync(service, 1_000);

        // 1. The node the service is connected to goes away: it reconnects to another and carries on.
        double receivedAtLoss;
        try
        {
            receivedAtLoss = (await service.ScrapeAsync()).Sum(FaultRun.Received);
            await LocalCluster.StopNodeAsync(connected);
            // 2,000 more deliveries, or on a loaded machine, where the loss may come late in the first
            // half, as many as it still holds (the redeliveries aside): the second half follows anyway.
            await FaultRun.WaitUntilReceivedAsync(service, Math.Min((long)receivedAtLoss + 2_000, firstHalf.Count));
            // Every agent consumes again, through another node (not only the busiest ones).
            foreach (var agent in Enum.GetValues<SyncAgent>())
            {
                var now = await LocalCluster.NodeConsumingAsync(BridgeRoutes.QueueName(env.Rabbit.QueuePrefix, agent), askNode: LocalCluster.Nodes.First(n => n != connected));
                Assert.NotEqual(connected, now);
            }
        }
        finally
        {
            await LocalCluster.StartNodeAsync(connected);
        }

        // 2. Later, with every node back, the node leading the agent queues goes away.
        await env.PublishAsync(secondHalf);
        await FaultRun.WaitUntilReceivedAsync(service, history.Count / 2 + 1_000);
        var leader = await LocalCluster.LeaderOfAsync(courseQueue);
        try
        {
            await LocalCluster.StopNodeAsync(leader);
            await FaultRun.WaitUntilSettledAsync(env, history.Count, service);
        }
        finally
        {
            await LocalCluster.StartNodeAsync(leader);
        }

        Assert.False(service.HasExited, service.Tail());
        await FaultRun.AssertMirrorCompleteAsync(env, expected);
        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [SkippableFact]
    public async Task Two_processes_converge_while_a_node_is_stopped_and_restarted()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var (history, expected) = FaultRun.History(seed: 27, length: 4000);
        var random = new Random(27);
        var deliveries = history.Concat(history.Where(_ => random.NextDouble() < 0.2)).OrderBy(_ => random.Next()).ToList();

        await using var env = LocalCluster.NewEnvironment();
        await using var first = ServiceProcess.Run(env, Logging);
        await using var second = ServiceProcess.Run(env, Logging);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());
        await env.PublishAsync(deliveries.Select(BridgeBody.Of));
        await FaultRun.WaitUntilReceivedAsync(first, 300);

        var lost = await LocalCluster.NodeConsumingAsync(BridgeRoutes.QueueName(env.Rabbit.QueuePrefix, SyncAgent.Module));
        try
        {
            await LocalCluster.StopNodeAsync(lost);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await LocalCluster.StartNodeAsync(lost);
        }

        await FaultRun.WaitUntilSettledAsync(env, deliveries.Count, first, second);
        Assert.True((await first.ScrapeAsync()).Sum(FaultRun.Outcomes) > 0, "the first process handled nothing");
        Assert.True((await second.ScrapeAsync()).Sum(FaultRun.Outcomes) > 0, "the second process handled nothing");
        await FaultRun.AssertMirrorCompleteAsync(env, expected);

        first.Terminate();
        second.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
