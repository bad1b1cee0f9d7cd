using System.Text;
using Mofa.Sync.Consumers.Configuration;
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
/// Issue 17, case 4: an upgrade. The broker holds the classic queues of an earlier version, with
/// messages waiting; the new settings ask for quorum queues. The service refuses to start and says
/// what to do; `mofa-sync topology --migrate-queues` moves the queues; nothing is lost.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueTypeMigrationTests(LocalCluster cluster)
{
    [SkippableFact]
    public async Task Classic_queues_stop_a_quorum_start_with_the_setting_and_the_migration_moves_them_without_losing_a_message()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var (history, expected) = FaultRun.History(seed: 4, length: 1500);
        await using var env = LocalCluster.NewEnvironment(queueType: QueueType.Classic);

        // The earlier version's queues (classic), a backlog in them and a dead letter in an _error queue.
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(history.Select(BridgeBody.Of));
        var courseError = QueueNames.ErrorOf(QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course));
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.QueueDeclareAsync(courseError, durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, courseError, true, new BasicProperties { MessageId = "evt-parked", Persistent = true }, Encoding.UTF8.GetBytes("{\"eventId\":\"evt-parked\"}"));
        }

        var quorum = new Dictionary<string, string> { ["RabbitMq:QueueType"] = "Quorum" };
        await using (var refused = MofaSyncProcess.Run(env, quorum))
        {
            Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            Assert.Contains("is a classic queue, but RabbitMq:QueueType is Quorum", refused.Output, StringComparison.Ordinal);
            Assert.Contains("MOFASYNC__RABBITMQ__QUEUETYPE", refused.Output, StringComparison.Ordinal);
            Assert.Contains("mofa-sync topology --migrate-queues", refused.Output, StringComparison.Ordinal);
        }

        Assert.Equal(history.Count, await FaultRun.BacklogAsync(env));

        await using (var migrate = MofaSyncProcess.Start(env, ["topology", "--migrate-queues"], quorum))
        {
            Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, migrate.Tail());
            Assert.Contains($"{history.Count + 1} message(s) moved", migrate.Output, StringComparison.Ordinal);
        }

        // Every message is still there, now in quorum queues, and the service starts and applies them all.
        env.Rabbit.QueueType = QueueType.Quorum;
        Assert.Equal(history.Count, await FaultRun.BacklogAsync(env));
        Assert.Equal("evt-parked", Assert.Single(await DlqTestKit.PeekAllAsync(env, courseError)).EventId);
        await using var service = MofaSyncProcess.Run(env, quorum);
        await service.WaitUntilReadyAsync();
        await FaultRun.WaitUntilSettledAsync(env, history.Count, service);
        var actual = await env.ExportAsync();
        Assert.Equal(expected.ToJson(), actual.ToJson());
        Assert.Single(await DlqTestKit.PeekAllAsync(env, courseError));

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
