using System.Runtime.Serialization;
using MassTransit;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// The in-process retries, one policy per kind of work, each with exponential back-off (the broker
/// has no delayed-exchange plugin, so no delayed redelivery): applying to the store, and reading back
/// from Moodle. What a policy does not retry goes to the queue's _error queue at once: a message that
/// breaks the contract, a token Moodle refuses, and (for the store's work, the notifications included)
/// any Moodle failure, which the HTTP client has already retried.
/// </summary>
public static class RetryPolicies
{
    /// <summary>The store, or another passing failure of the service's own: Sync:RetryLimit, RetryMinInterval, RetryMaxInterval.</summary>
    public static Action<IRetryConfigurator> PassingFailures(SyncOptions sync) => r =>
    {
        r.Ignore<InvalidBridgeMessageException>();
        r.Ignore<SerializationException>();
        r.Ignore<MoodleException>();
        r.Exponential(sync.RetryLimit, sync.RetryMinInterval, sync.RetryMaxInterval, TimeSpan.FromMilliseconds(100));
    };

    /// <summary>
    /// Reading a course back from Moodle, which may not be readable now (down, slow, an answer that is no JSON):
    /// Reconcile:RetryLimit, RetryMinInterval, RetryMaxInterval, longer than the others', as a Moodle in
    /// maintenance stays down for minutes. A token Moodle refuses is not retried.
    /// </summary>
    public static Action<IRetryConfigurator> ReadingBack(ReconcileOptions reconcile) => r =>
    {
        r.Ignore<InvalidBridgeMessageException>();
        r.Ignore<SerializationException>();
        r.Ignore<MoodleRejectedException>();
        r.Exponential(reconcile.RetryLimit, reconcile.RetryMinInterval, reconcile.RetryMaxInterval, TimeSpan.FromMilliseconds(500));
    };
}
