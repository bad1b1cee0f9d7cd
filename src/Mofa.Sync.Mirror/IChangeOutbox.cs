namespace Mofa.Sync.Mirror;

/// <summary>
/// The change outbox: an effective content change is recorded inside the event's own write (on
/// SQLite, the same transaction and savepoint as the mirror's writes), so the change and its
/// record commit together or not at all, and the message waits for one commit, not two. What is
/// recorded is published later, from the store, by the outbox's publisher (the notifications: one
/// NotificationRequested per course digest). Called for a first application (Applied); for a
/// redelivery (AlreadyApplied) only on a store whose writes are not atomic
/// (<see cref="IMirrorStore.WritesAreAtomic"/>), where <see cref="RecordAsync"/> must then be
/// idempotent.
/// </summary>
public interface IChangeOutbox
{
    /// <summary>Records the change inside <paramref name="writer"/>'s write; returns it as recorded.</summary>
    Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct);

    /// <summary>The write that recorded <paramref name="change"/> has committed (a publisher may want to look now).</summary>
    void Committed(ContentChange change);
}

/// <summary>Nothing recorded: `mofa-sync-bench --without-notifications` measures the mirror path alone with it.</summary>
public sealed class NoChangeOutbox : IChangeOutbox
{
    public Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct) => Task.FromResult(change);

    public void Committed(ContentChange change)
    {
    }
}
