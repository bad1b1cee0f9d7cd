using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Reconcile;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// How every agent's queue runs <see cref="BridgeEventConsumer"/>: the passing failures' retries and,
/// around them, Moodle's (only the reconcile agent's handler calls Moodle; the policies handle
/// disjoint failures, so neither multiplies the other's tries).
/// </summary>
public sealed class BridgeEventConsumerDefinition(IOptions<SyncOptions> sync, ReconcileOptions reconcile) : ConsumerDefinition<BridgeEventConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BridgeEventConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(RetryPolicies.MoodleReads(reconcile));
        endpointConfigurator.UseMessageRetry(RetryPolicies.PassingFailures(sync.Value));
    }
}
