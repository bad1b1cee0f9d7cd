using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Records a NotificationRequested that reaches the notification queue directly: a replay of a
/// notifications_error message from the version that consumed them here, or one an operator moves
/// by hand. The agents record their notifications themselves (<see cref="NotificationSink"/>), and
/// the queue is not bound to the NotificationRequested exchange. Recording is once per notification
/// id, so a notification the agent recorded already changes nothing. With a digest window the
/// flush delivers the digest when the window closes; with a zero window it is delivered here and
/// now, so a failure sends this message to _error and a replay delivers what is left.
/// </summary>
public sealed class NotificationRequestedConsumer(
    INotificationStore store,
    DigestDelivery delivery,
    NotificationOptions options,
    ILogger<NotificationRequestedConsumer> logger) : IConsumer<NotificationRequested>
{
    public async Task Consume(ConsumeContext<NotificationRequested> context)
    {
        var n = context.Message;
        var recorded = await store.RecordAsync(n, options.DigestWindow, DateTimeOffset.UtcNow, context.CancellationToken);
        if (!recorded.IsNew)
        {
            logger.LogDebug("{NotificationId} was recorded before (digest {DigestId})", n.NotificationId, recorded.DigestId);
        }

        if (options.DigestWindow == TimeSpan.Zero)
        {
            // Also for a duplicate: the first delivery may have been cut short; the records make it idempotent.
            await delivery.DeliverAsync(recorded.DigestId, context.CancellationToken);
        }
    }
}
