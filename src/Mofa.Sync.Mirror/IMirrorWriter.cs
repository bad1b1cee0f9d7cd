namespace Mofa.Sync.Mirror;

/// <summary>
/// The few conditional writes a store adapter translates. Each is one atomic operation in the
/// store (a conditional upsert), never a read followed by a write; the apply rules
/// (<see cref="MirrorApplier"/>) are built from them and are the same for every store.
/// </summary>
public interface IMirrorWriter
{
    /// <summary>Writes <paramref name="document"/> (live, not a placeholder) if its version is newer than the stored one.</summary>
    Task<WriteOutcome> UpsertIfNewerAsync(MirrorDocument document, CancellationToken ct);

    /// <summary>Turns the document into a tombstone at <paramref name="version"/> (creating it if absent) if that is newer.</summary>
    Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, CancellationToken ct);

    /// <summary>
    /// As the tombstone write above, keeping <paramref name="deletedName"/> (the name of what is deleted) on the
    /// tombstone (<see cref="MirrorDocument.DeletedName"/>) where the store's writes are not atomic: there a
    /// redelivery can find the tombstone without the change's record (a failure between the two) and must still
    /// name what was deleted. A store whose writes are atomic never meets that redelivery: it need not keep it.
    /// </summary>
    Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, string? deletedName, CancellationToken ct) =>
        TombstoneIfNewerAsync(target, site, courseId, userId, version, ct);

    /// <summary>Creates a placeholder (id only, oldest version) unless any document exists under that key.</summary>
    Task EnsurePlaceholderAsync(DocumentRef target, string site, long? courseId, CancellationToken ct);

    /// <summary>Tombstones every document under a parent whose version is older than <paramref name="version"/>.</summary>
    Task<int> TombstoneChildrenAsync(ChildSelector children, string version, CancellationToken ct);

    /// <summary>The document under that key (live, tombstone or placeholder), or null when there is none.</summary>
    Task<MirrorDocument?> GetAsync(DocumentRef target, CancellationToken ct);

    /// <summary>The version of the tombstone under that key, or null when it is live or absent.</summary>
    Task<string?> GetTombstoneVersionAsync(DocumentRef target, CancellationToken ct);

    /// <summary>
    /// Every document under a parent, tombstones and placeholders included, with its version: what
    /// a course snapshot compares with Moodle's answer before its conditional writes.
    /// </summary>
    Task<IReadOnlyList<MirrorDocument>> ListChildrenAsync(ChildSelector children, CancellationToken ct);

    /// <summary>
    /// The change outbox: records <paramref name="change"/> in its course's digest as part of this write
    /// (SQLite: in the same transaction as the mirror's writes; MongoDB: as one more step, idempotent by the
    /// change's id), with the window the store was registered with (<see cref="Notifications.ChangeOutboxSettings"/>);
    /// nothing when it was registered without notifications. <see cref="MirrorApplier"/> asks for a first
    /// application's change only, and for a redelivery's too where the writes are not atomic
    /// (<see cref="IMirrorStore.WritesAreAtomic"/>).
    /// </summary>
    Task RecordChangeAsync(ContentChange change, CancellationToken ct);
}
