using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The adapter's own seam between its two stores on one file, so that no port is downcast: the
/// notification store's writes (a digest's close, a claim, an outcome) join the mirror writer's
/// group commit through it. The mirror store implements it; the notification store is handed it by
/// AddSqliteStore (or by its constructor). The changes an event makes are recorded by the mirror
/// writer itself (SqliteMirrorWriter.RecordChangeAsync), not through here.
/// </summary>
internal interface ISqliteWriterSession
{
    /// <summary>
    /// Runs SQL on the writer connection inside the next group commit. Like an event's writes it fails
    /// alone: when one write of a batch throws, the batch is undone and run again with each write in a
    /// savepoint of its own (SqliteMirrorStore).
    /// </summary>
    Task<T> WriteSqlAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct);

    /// <summary>Set after a commit that recorded a change into a digest due at once.</summary>
    DueDigestSignal DueDigests { get; }
}
