namespace Mofa.Sync.Contracts.Notifications;

/// <summary>
/// Outbound: the content of a course changed and its teachers should be told (docs/contract.md,
/// "Outbound: NotificationRequested"). Published once per course digest when its window closes:
/// every change of one course within Notifications:DigestWindow, the teachers to tell, and the
/// text to tell them. Published at least once: a crash between the publish and its record
/// publishes it again with the same <see cref="NotificationId"/>, so subscribers deduplicate by it.
/// </summary>
public sealed record NotificationRequested
{
    /// <summary>The digest's id: stable, the same in every copy of this notification.</summary>
    public required string NotificationId { get; init; }

    /// <summary>The Moodle site's wwwroot, in its canonical form (docs/contract.md).</summary>
    public required string Site { get; init; }

    public required NotifiedCourse Course { get; init; }

    /// <summary>The Moodle user ids to tell: the course's teachers in the mirror when the digest closed.</summary>
    public required IReadOnlyList<long> Recipients { get; init; }

    /// <summary>The changes, oldest first (at least one).</summary>
    public required IReadOnlyList<NotifiedChange> Changes { get; init; }

    /// <summary>What the teachers read, built once when the digest closed.</summary>
    public required NotificationMessageText Text { get; init; }

    /// <summary>When the digest closed (unix seconds).</summary>
    public required long ClosedAt { get; init; }
}

/// <summary>The course a notification is about.</summary>
public sealed record NotifiedCourse
{
    public required long Id { get; init; }

    /// <summary>The course's full name in the mirror when the digest closed; null when the mirror does not know the course.</summary>
    public string? Name { get; init; }
}

/// <summary>One change of a course module within a notification.</summary>
public sealed record NotifiedChange
{
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

    /// <summary>When it happened in Moodle (unix seconds, the event's timeCreated).</summary>
    public required long TimeCreated { get; init; }

    /// <summary>The bridge event that caused the change.</summary>
    public required string EventId { get; init; }
}

/// <summary>The message text: plain, and HTML (what the sync sends to Moodle as FORMAT_HTML; every name and link escaped).</summary>
public sealed record NotificationMessageText
{
    public required string Plain { get; init; }

    public required string Html { get; init; }
}

/// <summary>The values of <see cref="NotifiedChange.Kind"/>.</summary>
public static class NotificationKinds
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
}
