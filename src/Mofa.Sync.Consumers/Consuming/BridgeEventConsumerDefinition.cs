using System.Runtime.Serialization;
using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Configuration;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>
/// How each agent runs its consumer: in-process retries with exponential back-off for transient
/// failures (the broker has no delayed-exchange plugin, so no delayed redelivery), none for
/// messages that break the contract.
/// </summary>
public abstract class BridgeEventConsumerDefinition<TConsumer>(IOptions<SyncOptions> options) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<BridgeMessage>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var sync = options.Value;
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<InvalidBridgeMessageException>();
            r.Ignore<SerializationException>();
            r.Exponential(sync.RetryLimit, sync.RetryMinInterval, sync.RetryMaxInterval, TimeSpan.FromMilliseconds(100));
        });
    }
}
