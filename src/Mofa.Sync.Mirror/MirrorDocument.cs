using System.Text.Json.Nodes;

namespace Mofa.Sync.Mirror;

/// <summary>
/// One document of the mirror, in the shape both stores persist. <see cref="Key"/> is unique in
/// its collection; <see cref="CourseId"/> and <see cref="UserId"/> are the parent ids that
/// cascading deletes and the readers' queries select on.
/// </summary>
public sealed record MirrorDocument
{
    public required MirrorCollection Collection { get; init; }
    public required string Key { get; init; }
    public required string Site { get; init; }
    public long? CourseId { get; init; }
    public long? UserId { get; init; }

    /// <summary>The version (see EventVersion) of the last event applied to this document.</summary>
    public required string Version { get; init; }

    /// <summary>A tombstone: the thing was deleted at <see cref="Version"/>; <see cref="Data"/> is empty.</summary>
    public bool Deleted { get; init; }

    /// <summary>A parent known only by id, created by a child's event; its own event fills it in.</summary>
    public bool Placeholder { get; init; }

    /// <summary>The collection-specific fields (see Mirror/Documents), null on tombstones and placeholders.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>On a tombstone, where the store keeps it: the name of what was deleted (see <see cref="IMirrorWriter"/>); otherwise null.</summary>
    public string? DeletedName { get; init; }

    /// <summary>When the document was last written (UTC); tombstones are purged by it.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
