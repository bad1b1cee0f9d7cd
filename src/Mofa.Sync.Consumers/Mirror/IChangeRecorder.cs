namespace Mofa.Sync.Consumers.Mirror;

/// <summary>
/// Records an effective content change inside the event's own write (on SQLite, the same
/// transaction as the mirror's writes): the change and its record commit together, and the
/// message waits for one commit, not two (measured: a second commit cost about a quarter of the
/// service's CPU per event, docs/performance.md). Called for Applied and AlreadyApplied alike, so
/// it must be idempotent. Returns the change as recorded (a delete's name filled in).
/// </summary>
public interface IChangeRecorder
{
    Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct);
}
