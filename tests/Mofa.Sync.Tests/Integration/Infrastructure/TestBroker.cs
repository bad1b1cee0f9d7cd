using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Host.Broker;
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
            return await BrokerConnection.ConnectAsync(rabbit, "mofa-sync tests");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"RabbitMQ is not reachable on {string.Join(", ", rabbit.Nodes())} ({ex.Message}). Start it (as root) with: bash rabbitmq/start-local-broker.sh", ex);
        }
    }

    /// <summary>Deletes the test's queues (agents, notifications, _error, _skipped) and exchanges.</summary>
    public static Task DeleteTopologyAsync(RabbitMqOptions rabbit) => AgentTopology.DeleteAsync(rabbit);
}
