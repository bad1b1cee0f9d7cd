using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Host.Bridge;
using RabbitMQ.Client;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>
/// The real local broker (rabbitmq/start-local-broker.sh starts it). Each test gets its own
/// exchange and queue prefix, so tests run side by side without seeing each other's messages.
/// </summary>
public static class TestBroker
{
    public static RabbitMqOptions NewIsolatedOptions()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new RabbitMqOptions
        {
            Host = Environment.GetEnvironmentVariable("MOFASYNC_TEST_RABBITMQ_HOST") ?? "localhost",
            Exchange = $"test-{id}.moodle.events",
            QueuePrefix = $"test-{id}",
            PrefetchCount = 64,
            ConcurrentMessageLimit = 32,
        };
    }

    public static async Task<IConnection> ConnectAsync(RabbitMqOptions rabbit)
    {
        try
        {
            return await BridgePublisher.ConnectionFactoryFor(rabbit).CreateConnectionAsync("mofa-sync tests");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"RabbitMQ is not reachable on {rabbit.Host}:{rabbit.Port} ({ex.Message}). Start it (as root) with: bash rabbitmq/start-local-broker.sh", ex);
        }
    }

    /// <summary>Deletes the test's queues (agents, _error, _skipped) and exchanges.</summary>
    public static async Task DeleteTopologyAsync(RabbitMqOptions rabbit)
    {
        await using var connection = await ConnectAsync(rabbit);
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            var queue = BridgeRoutes.QueueName(rabbit.QueuePrefix, agent);
            foreach (var name in new[] { queue, queue + "_error", queue + "_skipped" })
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
                await channel.ExchangeDeleteAsync(name, ifUnused: false);
            }
        }

        // The notification endpoint every service has (Consumers/Notifications/NotificationTopology).
        foreach (var name in Mofa.Sync.Consumers.Notifications.NotificationTopology.EntityNames(rabbit.QueuePrefix))
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(name, ifUnused: false);
        }

        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(rabbit.Exchange, ifUnused: false);
        }
    }
}
