using System.Runtime.Serialization;
using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Agents.Configuration;
using Mofa.Sync.Agents.Parsing;

namespace Mofa.Sync.Agents.Consuming;

/// <summary>
/// How the agents run the consumer: in-process retries with exponential back-off for transient
/// failures (the broker has no delayed-exchange plugin, so no delayed redelivery), none for
/// messages that break the contract.
/// </summary>
public sealed class BridgeEventConsumerDefinition(IOptions<SyncOptions> options) : ConsumerDefinition<BridgeEventConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BridgeEventConsumer> consumerConfigurator,
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
