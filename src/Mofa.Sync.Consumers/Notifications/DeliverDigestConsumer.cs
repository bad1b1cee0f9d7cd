using MassTransit;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>Delivers a digest whose window has closed (sent by <see cref="DigestFlushService"/>).</summary>
public sealed class DeliverDigestConsumer(DigestDelivery delivery) : IConsumer<DeliverDigest>
{
    public Task Consume(ConsumeContext<DeliverDigest> context) => delivery.DeliverAsync(context.Message.DigestId, context.CancellationToken);
}
