using System.Text;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Settings;

/// <summary>`topology --migrate-queues --dry-run` says what it would move and changes nothing (the built executable, the real broker).</summary>
public sealed class MigrationDryRunTests
{
    [Fact]
    public async Task A_dry_run_migration_names_each_queue_and_its_messages_and_leaves_every_queue_as_it_was()
    {
        await using var env = new TestEnvironment();
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        var course = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            for (var i = 0; i < 3; i++)
            {
                await channel.BasicPublishAsync(string.Empty, course, true, new BasicProperties { MessageId = $"evt-{i}", Persistent = true }, Encoding.UTF8.GetBytes("{}"));
            }
        }

        var dry = await MofaSyncCli.RunAsync(env, "topology", "--migrate-queues", "--dry-run", "--setting", "RabbitMq:QueueType=Quorum");

        Assert.True(dry.ExitCode == 0, dry.Err);
        Assert.Contains($"{course}: would move 3 messages to the new arguments", dry.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", dry.Err, StringComparison.Ordinal);
        await using var check = await TestBroker.ConnectAsync(env.Rabbit);
        await using var classic = await check.CreateChannelAsync();
        // Declaring it again with the classic arguments succeeds only while it is still the classic queue.
        var ok = await classic.QueueDeclareAsync(course, durable: true, exclusive: false, autoDelete: false, ServiceQueues.WorkQueueArguments(env.Rabbit, course));
        Assert.Equal(3u, ok.MessageCount);
        Assert.False(await QueueDeclarationCheck.ExistsAsync(check, course + QueueMigration.HoldingSuffix, CancellationToken.None));

        var refused = await MofaSyncCli.RunAsync(env, "topology", "--dry-run");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--dry-run goes with --migrate-queues", refused.Err, StringComparison.Ordinal);
    }
}
