using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

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
        var (history, expected) = FaultRun.History(seed: 17, length: 8000);
        var firstHalf = history.Take(history.Count / 2).Select(BridgeBody.Of).ToList();
        var secondHalf = history.Skip(history.Count / 2).Select(BridgeBody.Of).ToList();

        await using var env = LocalCluster.NewEnvironment();
        var courseQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(firstHalf);

        // Each loss strikes where the test put it: after 1,000 writes, and again after 5,000, the
        // store holds a committed delivery, unacknowledged, and every other write waits
        // (HoldingStore) until the test releases them, once the node is gone.
        await using var service = MofaSyncProcess.Run(env, Logging, new ChildFaults { HoldWritesAfter = [1_000, 5_000] });
        await service.WaitUntilReadyAsync();
        await service.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget);
        var connected = await LocalCluster.NodeConsumingAsync(courseQueue);
        Assert.True(await FaultRun.BacklogAsync(env) > 0, "messages should wait in the queues at the first loss: the held writes stop the drain");

        // 1. The node the service is connected to goes away: it reconnects to another and carries on.
        try
        {
            await LocalCluster.StopNodeAsync(connected);
            // The loss has struck the held deliveries; they go on (their acknowledgements have no
            // channel left), and the endpoints, which wait for their consumers, can reconnect.
            service.ReleaseHeldWrites();
            // Every agent consumes again, through another node (not only the busiest ones).
            foreach (var agent in Enum.GetValues<SyncAgent>())
            {
                var now = await LocalCluster.NodeConsumingAsync(QueueNames.Agent(env.Rabbit.QueuePrefix, agent), askNode: LocalCluster.Nodes.First(n => n != connected));
                Assert.NotEqual(connected, now);
            }
        }
        finally
        {
            await LocalCluster.StartNodeAsync(connected);
        }

        // 2. Later, with every node back, the node leading the agent queues goes away.
        await env.PublishAsync(secondHalf);
        await service.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget, occurrences: 2);
        Assert.True(await FaultRun.BacklogAsync(env) > 0, "messages should wait in the queues at the second loss: the held writes stop the drain");
        var leader = await LocalCluster.LeaderOfAsync(courseQueue);
        try
        {
            await LocalCluster.StopNodeAsync(leader);
            service.ReleaseHeldWrites();
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
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(deliveries.Select(BridgeBody.Of));

        // The node goes while both processes hold a committed delivery, unacknowledged, and the
        // rest waits (HoldingStore); the writes go on once it is gone.
        var faults = new ChildFaults { HoldWritesAfter = [300] };
        await using var first = MofaSyncProcess.Run(env, Logging, faults);
        await using var second = MofaSyncProcess.Run(env, Logging, faults);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());
        await Task.WhenAll(first.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget), second.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget));
        Assert.True(await FaultRun.BacklogAsync(env) > 0, "messages should wait in the queues at the loss: the held writes stop the drain");

        var moduleQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Module);
        var lost = await LocalCluster.NodeConsumingAsync(moduleQueue);
        try
        {
            await LocalCluster.StopNodeAsync(lost);
            first.ReleaseHeldWrites();
            second.ReleaseHeldWrites();
            // The node comes back once the processes consume again without it.
            Assert.NotEqual(lost, await LocalCluster.NodeConsumingAsync(moduleQueue, askNode: LocalCluster.Nodes.First(n => n != lost)));
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
