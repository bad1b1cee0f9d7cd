namespace Mofa.Sync.Contracts.Notifications;

/// <summary>
/// Outbound: the content of a course changed and its teachers should be told (docs/contract.md,
/// "Outbound: NotificationRequested"). Published by the sync once per effective change; a
/// redelivered event can publish it again with the same <see cref="NotificationId"/>, so
/// subscribers deduplicate by it.
/// </summary>
public sealed record NotificationRequested
{
    /// <summary>"n:" + the site + "|" + the causing event's id: the same change always has the same id, and two sites' events never share one.</summary>
    public required string NotificationId { get; init; }

    /// <summary>The Moodle site's wwwroot, in its canonical form (docs/contract.md).</summary>
    public required string Site { get; init; }

    public required long CourseId { get; init; }

    /// <summary>created, updated or deleted (see <see cref="NotificationKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The course module (course_modules.id).</summary>
    public required long CmId { get; init; }

    /// <summary>assign, quiz, choice or resource.</summary>
    public required string ModuleKind { get; init; }

    /// <summary>The module's name; null when a deleted module's name is not known any more.</summary>
    public string? ItemName { get; init; }

    /// <summary>Link to the module; null for deletes.</summary>
    public string? ItemUrl { get; init; }

    /// <summary>The bridge event that caused the change.</summary>
    public required string EventId { get; init; }

    /// <summary>When it happened in Moodle (unix seconds, the event's timeCreated).</summary>
    public required long TimeCreated { get; init; }

    /// <summary>
    /// The notification id of a causing event: deterministic, so a re-publish carries the same id;
    /// scoped by the (canonical) site, since eventId is unique per site only.
    /// </summary>
    public static string IdFor(string site, string eventId) => $"n:{site}|{eventId}";
}

/// <summary>The values of <see cref="NotificationRequested.Kind"/>.</summary>
public static class NotificationKinds
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
}
