using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Mirror.Notifications;

/// <summary>
/// One effective change of a course's content as the change outbox records it, in its course's
/// digest, inside the mirror write that applied it. Recorded once per <see cref="ChangeId"/>.
/// </summary>
public sealed record DigestChange
{
    /// <summary>"n:" + the site + "|" + the causing event's id (see <see cref="IdFor"/>).</summary>
    public required string ChangeId { get; init; }

    /// <summary>The Moodle site's wwwroot, in its canonical form.</summary>
    public required string Site { get; init; }

    public required long CourseId { get; init; }

    /// <summary>created, updated or deleted (see <see cref="NotificationKinds"/>).</summary>
    public required string Kind { get; init; }

    public required long CmId { get; init; }

    public required string ModuleKind { get; init; }

    public string? ItemName { get; init; }

    public string? ItemUrl { get; init; }

    public required string EventId { get; init; }

    /// <summary>Unix seconds, the event's timeCreated.</summary>
    public required long TimeCreated { get; init; }

    /// <summary>
    /// The id of a causing event's change: deterministic, so a redelivered event records nothing
    /// new; scoped by the (canonical) site, since eventId is unique per site only.
    /// </summary>
    public static string IdFor(string site, string eventId) => $"n:{site}|{eventId}";

    /// <summary>The record of an apply rule's <see cref="ContentChange"/> (a delete without a name is told as "a module").</summary>
    public static DigestChange Of(ContentChange change) => new()
    {
        ChangeId = IdFor(change.Site, change.EventId),
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

    /// <summary>The change as NotificationRequested lists it.</summary>
    public NotifiedChange ToNotified() => new()
    {
        Kind = Kind, CmId = CmId, ModuleKind = ModuleKind, ItemName = ItemName, ItemUrl = ItemUrl, TimeCreated = TimeCreated, EventId = EventId,
    };
}
