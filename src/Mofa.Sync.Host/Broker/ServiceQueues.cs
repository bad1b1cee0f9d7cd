using MassTransit;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// The arguments each durable queue the service declares (<see cref="QueueNames"/>) gets from
/// RabbitMq:QueueType and RabbitMq:DeliveryLimit. Classic: no arguments (as before there was a
/// choice). Quorum: the work queues (the agents' and the notification queue) are quorum queues whose broker-side
/// delivery limit dead-letters, at least once, into the queue's own _error queue; the _error and
/// _skipped queues are plain quorum queues (no limit: browsing them with dlq list hands every
/// message back, which counts as a delivery).
/// </summary>
public static class ServiceQueues
{
    /// <summary>The arguments of a work queue.</summary>
    public static Dictionary<string, object?> WorkQueueArguments(RabbitMqOptions rabbit, string queue) => rabbit.QueueType switch
    {
        QueueType.Quorum => new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = rabbit.DeliveryLimit,
            // The default exchange routes by queue name: straight into this queue's own _error queue.
            ["x-dead-letter-exchange"] = string.Empty,
            ["x-dead-letter-routing-key"] = QueueNames.ErrorOf(queue),
            // At-least-once: the message leaves this queue only once the _error queue has confirmed it.
            // RabbitMQ takes this strategy only with overflow reject-publish (else it falls back to at-most-once).
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
        },
        _ => [],
    };

    /// <summary>The arguments of an _error or _skipped queue.</summary>
    public static Dictionary<string, object?> DeadLetterQueueArguments(RabbitMqOptions rabbit) => rabbit.QueueType switch
    {
        QueueType.Quorum => new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
        _ => [],
    };

    /// <summary>The arguments that dead-letter a work queue; MassTransit copies a queue's arguments to its _error queue, these must not go along.</summary>
    private static readonly string[] DeadLetteringArguments =
        ["x-delivery-limit", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-overflow"];

    /// <summary>Gives a MassTransit receive endpoint its queue's type and arguments.</summary>
    public static void Configure(IRabbitMqReceiveEndpointConfigurator endpoint, RabbitMqOptions rabbit, string queue)
    {
        if (rabbit.QueueType == QueueType.Quorum) endpoint.SetQuorumQueue();
        foreach (var (key, value) in WorkQueueArguments(rabbit, queue)) endpoint.SetQueueArgument(key, value);
    }

    /// <summary>MassTransit declares the _error and _skipped queues with the work queue's arguments: keep the type, drop the dead-lettering.</summary>
    public static void ConfigureDeadLetterQueues(IRabbitMqBusFactoryConfigurator cfg)
    {
        cfg.SendTopology.ConfigureErrorSettings = settings =>
        {
            foreach (var key in DeadLetteringArguments) settings.SetQueueArgument(key, null);
        };
        cfg.SendTopology.ConfigureDeadLetterSettings = settings =>
        {
            foreach (var key in DeadLetteringArguments) settings.SetQueueArgument(key, null);
        };
    }
}
