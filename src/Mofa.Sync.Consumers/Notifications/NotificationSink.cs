using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Turns an effective content change into a recorded notification and a published
/// NotificationRequested.
/// <para>
/// The agent records the notification into its course's digest itself, in the store's next group
/// commit, instead of publishing it to its own notification queue and consuming it there: that
/// second trip through the broker cost more CPU than the rest of the event's handling together
/// (docs/performance.md). NotificationRequested is still published, for the other Mofa services
/// that bind their own queues to it.
/// </para>
/// <para>
/// Why no notification is lost: the agent calls this after the mirror write has committed, for
/// Applied and AlreadyApplied alike, and acknowledges the bridge message only after the record is
/// committed and the publish confirmed. A crash in between leaves the message unacknowledged; its
/// redelivery finds the write already applied and does both again. The notification id comes from
/// the causing event's id, so the record is made once and a second publish carries the same id.
/// </para>
/// </summary>
public sealed class NotificationSink(
    INotificationStore store,
    NotificationOptions options,
    RabbitMqOptions rabbit,
    ILogger<NotificationSink> logger) : IContentChangeSink
{
    private readonly Uri _notificationQueue = new($"queue:{NotificationTopology.QueueName(rabbit.QueuePrefix)}");

    public async Task ChangedAsync(ContentChange change, ConsumeContext context)
    {
        // A delete carries no name: use the last one a notification knew, else the text says "a module".
        var name = change.ItemName ?? await store.FindItemNameAsync(change.Site, change.CmId, context.CancellationToken);
        var notification = new NotificationRequested
        {
            NotificationId = NotificationRequested.IdFor(change.EventId),
            Site = change.Site,
            CourseId = change.CourseId,
            Kind = change.Kind switch
            {
                ContentChangeKind.Created => NotificationKinds.Created,
                ContentChangeKind.Deleted => NotificationKinds.Deleted,
                _ => NotificationKinds.Updated,
            },
            CmId = change.CmId,
            ModuleKind = change.ModuleKind,
            ItemName = name,
            ItemUrl = change.ItemUrl,
            EventId = change.EventId,
            TimeCreated = change.TimeCreated,
        };

        var recorded = await store.RecordAsync(notification, options.DigestWindow, DateTimeOffset.UtcNow, context.CancellationToken);

        // Bounded: while the broker is away a publish waits for the connection, and a consumer stuck
        // in it keeps its endpoint from restarting once the broker is back (measured: a broker
        // restart mid-stream left every endpoint stopped). Timed out, the message faults, its ack
        // fails with the connection, and the broker redelivers it: nothing is lost.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(PublishTimeout);
        // The same notification always has the same AMQP message id, for subscribers that deduplicate on it.
        await context.Publish(notification, p => p.MessageId = MessageIdOf(notification.NotificationId), timeout.Token);

        if (options.DigestWindow == TimeSpan.Zero)
        {
            // No window: deliver now, through the notification queue, so a failure has the queue's
            // retries, _error and replay. A duplicate asks again: its first delivery may have been
            // cut short, and the delivery records make a second one send nobody anything twice.
            var queue = await context.GetSendEndpoint(_notificationQueue);
            await queue.Send(new DeliverDigest(recorded.DigestId), timeout.Token);
        }

        logger.LogDebug("Recorded {NotificationId} in digest {DigestId} ({Kind} cm {CmId} in course {CourseId}, new: {IsNew})",
            notification.NotificationId, recorded.DigestId, notification.Kind, notification.CmId, notification.CourseId, recorded.IsNew);
    }

    /// <summary>How long a publish may wait for the broker before the event is retried instead.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A GUID derived from the notification id (the first 16 bytes of its SHA-256).</summary>
    public static Guid MessageIdOf(string notificationId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId)).AsSpan(0, 16));
}
