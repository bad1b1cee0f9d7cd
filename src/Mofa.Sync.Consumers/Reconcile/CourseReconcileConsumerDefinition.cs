using System.Runtime.Serialization;
using MassTransit;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// How the reconcile agent runs its consumer: in-process retries with exponential back-off while
/// Moodle cannot be read (Reconcile:RetryLimit, RetryMinInterval, RetryMaxInterval: longer than the
/// other agents', as a Moodle in maintenance stays down for minutes); none for a message that breaks
/// the contract or a token Moodle refuses, which go to the error queue at once.
/// </summary>
public sealed class CourseReconcileConsumerDefinition(ReconcileOptions options) : ConsumerDefinition<CourseReconcileConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CourseReconcileConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<InvalidBridgeMessageException>();
            r.Ignore<SerializationException>();
            r.Ignore<MoodleRejectedException>();
            r.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, TimeSpan.FromMilliseconds(500));
        });
    }
}
