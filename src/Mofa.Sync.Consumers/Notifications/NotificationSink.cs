using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// What an effective content change sets off: a recorded notification and a published
/// NotificationRequested.
/// <para>
/// The notification is recorded into its course's digest inside the event's own mirror write
/// (<see cref="IChangeRecorder"/>), not by a consumer of NotificationRequested on the sync's own
/// queue: that second trip through the broker cost more CPU than the rest of the event's handling
/// (docs/performance.md). NotificationRequested is still published, after the commit, for the
/// other Mofa services that bind their queues to it.
/// </para>
/// <para>
/// Why nothing is lost: the record commits with the mirror's writes, and the bridge message is
/// acknowledged only after the publish is confirmed. A crash before the ack leaves the message
/// unacknowledged; its redelivery finds the write already applied, records nothing new (the
/// notification id comes from the causing event's id) and publishes again with the same id. The
/// digest itself is sent by the flush, which finds every due digest in the store.
/// </para>
/// </summary>
public sealed class NotificationSink(
    INotificationStore store,
    NotificationOptions options,
    DigestFlushService flush,
    ILogger<NotificationSink> logger) : IChangeRecorder, IContentChangeSink
{
    public async Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct)
    {
        // A delete carries no name: use the last one a notification knew, else the text says "a module".
        var recorded = change with { ItemName = change.ItemName ?? await store.FindItemNameAsync(change.Site, change.CmId, writer, ct) };
        var notification = NotificationOf(recorded);
        var digest = await store.RecordAsync(notification, options.DigestWindow, DateTimeOffset.UtcNow, writer, ct);
        logger.LogDebug("Recorded {NotificationId} in digest {DigestId} ({Kind} cm {CmId} in course {CourseId}, new: {IsNew})",
            notification.NotificationId, digest.DigestId, notification.Kind, notification.CmId, notification.CourseId, digest.IsNew);
        return recorded;
    }

    public async Task ChangedAsync(ContentChange change, ConsumeContext context)
    {
        var notification = NotificationOf(change);

        // Bounded: while the broker is away a publish waits for the connection, and a consumer stuck
        // in it keeps its endpoint from restarting once the broker is back (measured: a broker
        // restart mid-stream left every endpoint stopped). Timed out, the message faults, its ack
        // fails with the connection, and the broker redelivers it: nothing is lost.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(PublishTimeout);
        // The same notification always has the same AMQP message id, for subscribers that deduplicate on it.
        await context.Publish(notification, p => p.MessageId = MessageIdOf(notification.NotificationId), timeout.Token);

        // No window: the change's digest is due now; the flush sends it without waiting for its interval.
        if (options.DigestWindow == TimeSpan.Zero) flush.Nudge();
    }

    public static NotificationRequested NotificationOf(ContentChange change) => new()
    {
        NotificationId = NotificationRequested.IdFor(change.Site, change.EventId),
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
        ItemName = change.ItemName,
        ItemUrl = change.ItemUrl,
        EventId = change.EventId,
        TimeCreated = change.TimeCreated,
    };

    /// <summary>How long a publish may wait for the broker before the event is retried instead.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A GUID derived from the notification id (the first 16 bytes of its SHA-256).</summary>
    public static Guid MessageIdOf(string notificationId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId)).AsSpan(0, 16));
}
