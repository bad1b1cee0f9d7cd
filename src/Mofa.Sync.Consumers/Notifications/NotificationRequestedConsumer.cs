using MassTransit;
using Mofa.Sync.Contracts.Notifications;


namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The notification consumer: its own receive endpoint ({prefix}.notifications), bound to the
/// notification exchange like any other subscriber's queue, delivering each NotificationRequested
/// to its teachers through Moodle (<see cref="DigestDelivery"/>: once per recipient, however many
/// copies arrive).
/// </summary>
public sealed class NotificationRequestedConsumer(DigestDelivery delivery) : IConsumer<NotificationRequested>
{
    public Task Consume(ConsumeContext<NotificationRequested> context) => delivery.DeliverAsync(context.Message, context.CancellationToken);
}
