using Mofa.Sync.Host.Broker;
using MassTransit;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Host.Bridge;
using Mofa.Sync.Host.Hosting;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Bench;

/// <summary>
/// The bench's own exchange and agent queues, declared exactly as the service declares them (so the
/// raw ceiling consumer reads the same queues the service will), and deleted afterwards.
/// </summary>
public static class BenchTopology
{
    public static Task DeclareAsync(RabbitMqOptions rabbit, CancellationToken ct) => AgentTopology.DeclareAsync(rabbit, ct);

    /// <summary>Deletes the agents' and the notification endpoint's queues (with _error and _skipped), their exchanges and the bench's exchange.</summary>
    public static async Task DeleteAsync(RabbitMqOptions rabbit)
    {
        var connection = await BridgePublisher.ConnectionFactoryFor(rabbit).CreateConnectionAsync("mofa-sync bench cleanup");
        await using (connection)
        {
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

            // The service's notification endpoint (NotificationRequested, published on each content change).
            var notifications = NotificationTopology.QueueName(rabbit.QueuePrefix);
            foreach (var name in new[] { notifications, notifications + "_error", notifications + "_skipped" })
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
                await channel.ExchangeDeleteAsync(name, ifUnused: false);
            }

            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.ExchangeDeleteAsync(NotificationTopology.ExchangeName(rabbit.QueuePrefix), ifUnused: false);
                await channel.ExchangeDeleteAsync(rabbit.Exchange, ifUnused: false);
            }

            await connection.CloseAsync();
        }
    }
}
