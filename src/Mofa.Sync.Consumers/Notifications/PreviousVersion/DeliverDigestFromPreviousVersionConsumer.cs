using MassTransit;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Upgrading: a DeliverDigest the previous version left in the notification queue (or in its
/// _error queue, replayed) names a digest it had marked dispatched but not delivered. It is
/// published now as this version's NotificationRequested (closed if it was not, built, published,
/// marked), and then delivered like any other; a digest delivered already messages nobody again
/// (its delivery records are final). Upgrade shim: goes with <see cref="DeliverDigest"/>, see there
/// for the release that may remove it.
/// </summary>
public sealed class DeliverDigestFromPreviousVersionConsumer(DigestPublisher publisher) : IConsumer<DeliverDigest>
{
    public Task Consume(ConsumeContext<DeliverDigest> context) => publisher.PublishAsync([context.Message.DigestId], context.CancellationToken);
}
