using MassTransit;
using RabbitMQ.Client;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>What RabbitMQ tells of a delivery (its exchange, routing key and properties), for a test of how the edge reads one without a broker.</summary>
public sealed record RabbitMqDelivery(string Exchange, string? RoutingKey, IReadOnlyBasicProperties Properties) : RabbitMqBasicConsumeContext
{
    public string ConsumerTag => "test";

    public ulong DeliveryTag => 1;

    /// <summary>Gives every delivery on an in-memory endpoint this RabbitMQ delivery, as the RabbitMQ transport gives its own.</summary>
    public sealed class Filter(RabbitMqDelivery delivery) : IFilter<ConsumeContext>
    {
        public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
        {
            context.ReceiveContext.GetOrAddPayload<RabbitMqBasicConsumeContext>(() => delivery);
            return next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("rabbitMqDelivery");
    }
}
