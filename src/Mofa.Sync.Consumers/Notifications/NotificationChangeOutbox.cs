using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Notifications;

using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The notifications' change outbox, recording side: an effective content change is recorded into
/// its course's open digest inside the event's own mirror write (one small insert, plus the
/// digest's when it opens one). Nothing is published per change: when the digest's window closes
/// <see cref="DigestPublisher"/> publishes one NotificationRequested for the whole digest.
/// <para>
/// Why nothing is lost: the record commits with the mirror's writes, and the bridge message is
/// acknowledged only after the commit. A crash before the ack leaves the message unacknowledged;
/// its redelivery finds the write already applied and records nothing new: on SQLite the outbox
/// is not asked again (the record committed with the write), on MongoDB the change's id (the
/// causing event's) finds the record made. The publisher finds every due digest in the store.
/// </para>
/// </summary>
public sealed class NotificationChangeOutbox(
    INotificationStore store,
    NotificationOptions options,
    DigestPublisher publisher,
    ILogger<NotificationChangeOutbox> logger) : IChangeOutbox
{
    public async Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct)
    {
        // A delete's name is the mirror's, read by its apply rule; without one the text says "a module".
        var entry = EntryOf(change);
        var digest = await store.RecordAsync(entry, options.DigestWindow, DateTimeOffset.UtcNow, writer, ct);
        logger.LogDebug("Recorded {ChangeId} in digest {DigestId} ({Kind} cm {CmId} in course {CourseId}, new: {IsNew})",
            entry.ChangeId, digest.DigestId, entry.Kind, entry.CmId, entry.CourseId, digest.IsNew);
        return change;
    }

    /// <summary>No window: the change's digest is due now; the publisher looks without waiting for its interval.</summary>
    public void Committed(ContentChange change)
    {
        if (options.DigestWindow == TimeSpan.Zero) publisher.Nudge();
    }

    public static DigestChange EntryOf(ContentChange change) => new()
    {
        ChangeId = DigestChange.IdFor(change.Site, change.EventId),
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
}
