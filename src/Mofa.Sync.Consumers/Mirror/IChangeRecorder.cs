namespace Mofa.Sync.Consumers.Mirror;

/// <summary>
/// Records an effective content change inside the event's own write (on SQLite, the same
/// transaction and savepoint as the mirror's writes): the change and its record commit together
/// or not at all, and the message waits for one commit, not two. Called for Applied and
/// AlreadyApplied alike, so it must be idempotent. Returns the change as recorded (a delete's
/// name filled in).
/// </summary>
public interface IChangeRecorder
{
    Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct);
}
