using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Turns an effective content change into a published NotificationRequested.
/// <para>
/// Why no notification is lost: the agent's consumer calls this after the mirror write has
/// committed, for Applied and AlreadyApplied alike, and acknowledges the bridge message only
/// after this publish is confirmed by the broker. A crash between the write and the publish
/// leaves the message unacknowledged; its redelivery finds the write already applied and
/// publishes again. The notification id comes from the causing event's id, so a publish that did
/// happen twice carries the same id and the notification consumer records it once.
/// </para>
/// </summary>
public sealed class NotificationSink(INotificationStore store, ILogger<NotificationSink> logger) : IContentChangeSink
{
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

        // The same notification always has the same AMQP message id, for subscribers that deduplicate on it.
        // Bounded: while the broker is away a publish waits for the connection, and a consumer stuck
        // in it keeps its endpoint from restarting once the broker is back (measured: a broker
        // restart mid-stream left every endpoint stopped). Timed out, the message faults, its ack
        // fails with the connection, and the broker redelivers it: nothing is lost.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(PublishTimeout);
        await context.Publish(notification, p => p.MessageId = MessageIdOf(notification.NotificationId), timeout.Token);
        logger.LogDebug("Published {NotificationId} ({Kind} cm {CmId} in course {CourseId})",
            notification.NotificationId, notification.Kind, notification.CmId, notification.CourseId);
    }

    /// <summary>How long a publish may wait for the broker before the event is retried instead.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A GUID derived from the notification id (the first 16 bytes of its SHA-256).</summary>
    public static Guid MessageIdOf(string notificationId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId)).AsSpan(0, 16));
}
