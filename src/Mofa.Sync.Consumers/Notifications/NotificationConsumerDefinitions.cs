using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// How the notification consumers retry: the passing failures' policy alone (Edge/RetryPolicies.cs). Moodle's
/// failures are not retried here: the HTTP client has already retried them with back-off and jitter
/// (retrying here would multiply the tries); they go to _error.
/// </summary>
public sealed class NotificationRequestedConsumerDefinition(IOptions<SyncOptions> options) : ConsumerDefinition<NotificationRequestedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<NotificationRequestedConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(RetryPolicies.PassingFailures(options.Value));
}

/// <inheritdoc cref="NotificationRequestedConsumerDefinition"/>
public sealed class DeliverDigestFromPreviousVersionConsumerDefinition(IOptions<SyncOptions> options) : ConsumerDefinition<DeliverDigestFromPreviousVersionConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliverDigestFromPreviousVersionConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(RetryPolicies.PassingFailures(options.Value));
}
