using MassTransit;
using Mofa.Sync.Consumers;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Host.Broker;

/// <summary>The agents' receive endpoints, for the service and for `mofa-sync topology` alike.</summary>
public static class AgentEndpoints
{
    /// <summary>The sync agents: a queue each, bound to the exchange by their routing keys, reading raw JSON.</summary>
    public static void Configure(IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit, Action<SyncAgent, IRabbitMqReceiveEndpointConfigurator> attachConsumer)
    {
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            var queue = QueueNames.Agent(rabbit.QueuePrefix, agent);
            cfg.ReceiveEndpoint(queue, e =>
            {
                ServiceQueues.Configure(e, rabbit, queue);
                ReadBridgeBodies(e);
                e.PrefetchCount = rabbit.PrefetchCount;
                e.ConcurrentMessageLimit = rabbit.ConcurrentMessageLimit;
                foreach (var routingKey in BridgeAgents.Subscriptions.RoutingKeysOf(agent))
                {
                    e.Bind(rabbit.Exchange, b =>
                    {
                        b.ExchangeType = "topic";
                        b.Durable = true;
                        b.RoutingKey = routingKey;
                    });
                }

                attachConsumer(agent, e);
            });
        }
    }

    /// <summary>How an agent's endpoint reads the bridge's deliveries, on any transport (the consumer tests' in-memory one too).</summary>
    public static void ReadBridgeBodies(IReceiveEndpointConfigurator e)
    {
        // The bridge is no MassTransit publisher: no message-type exchanges, no envelope.
        e.ConfigureConsumeTopology = false;
        // No Fault<T> events: see BoundedErrorPipe.
        e.PublishFaults = false;
        BridgeBodySerializerFactory.UseAsOnlyDeserializer(e);
    }
}
