using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Dlq;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Cluster;

/// <summary>
/// Issue 17, case 3: the quorum queue's delivery limit. A consumer that takes a message and dies
/// before acknowledging it (here: its channel closes) hands it back; past RabbitMq:DeliveryLimit the
/// broker dead-letters it into the agent's own _error queue, where `mofa-sync dlq` explains it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveryLimitTests(LocalCluster cluster)
{
    /// <summary>A budget against a hang for the broker to dead-letter the message; generous for a loaded machine.</summary>
    private static readonly TimeSpan DeadLetterBudget = TimeSpan.FromMinutes(1);

    [SkippableFact]
    public async Task A_message_delivered_more_than_the_limit_lands_in_the_agents_error_queue_with_its_reason()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int limit = 2;
        await using var env = LocalCluster.NewEnvironment();
        env.Rabbit.DeliveryLimit = limit;
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        var queue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        await DlqTestKit.PublishAsync(env, [(BridgeBody.Of(DlqTestKit.Course(7, "Killer course", "evt-killer", 1_700_000_000, 1)).RoutingKey,
            BridgeBody.Of(DlqTestKit.Course(7, "Killer course", "evt-killer", 1_700_000_000, 1)).Body, "evt-killer")]);

        // Each round: a consumer takes the message and goes away without acknowledging it, until the
        // broker dead-letters it (the requeue and the dead-lettering take a moment each: waited for,
        // within a budget against a hang).
        var deliveries = 0;
        var deadline = DateTime.UtcNow + DeadLetterBudget;
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        {
            while (await DepthAsync(connection, QueueNames.ErrorOf(queue)) == 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"not dead-lettered within {DeadLetterBudget} after {deliveries} deliveries (limit {limit})");
                await using var channel = await connection.CreateChannelAsync();
                var got = await channel.BasicGetAsync(queue, autoAck: false);
                if (got is null)
                {
                    await Task.Delay(100);
                    continue;
                }

                deliveries++;
                await channel.CloseAsync();
            }
        }

        Assert.Equal(0, await DepthOfAsync(env, queue));
        Assert.True(deliveries > limit, $"the broker handed the message out {deliveries} times, the limit is {limit}");
        var dead = Assert.Single(await DlqTestKit.PeekAllAsync(env, QueueNames.ErrorOf(queue)));
        Assert.Equal("evt-killer", dead.EventId);
        Assert.Equal(queue, dead.ReplayQueue);
        Assert.Contains($"delivered {deliveries} times without being acknowledged", dead.Reason.Text, StringComparison.Ordinal);

        // The operator's view: list groups it under that reason, show prints it.
        var list = MofaSyncProcess.Start(env, ["dlq", "list", "--json"], new Dictionary<string, string>());
        Assert.Equal(0, await list.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains($"delivered {deliveries} times without being acknowledged", list.Output, StringComparison.Ordinal);
        var show = MofaSyncProcess.Start(env, ["dlq", "show", "course"], new Dictionary<string, string>());
        Assert.Equal(0, await show.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("delivered", show.Output, StringComparison.Ordinal);
        Assert.Contains("without being acknowledged", show.Output, StringComparison.Ordinal);
        Assert.Contains("evt-killer", show.Output, StringComparison.Ordinal);
    }

    private static async Task<long> DepthOfAsync(TestEnvironment env, string queue)
    {
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        return await DepthAsync(connection, queue);
    }

    private static async Task<long> DepthAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
