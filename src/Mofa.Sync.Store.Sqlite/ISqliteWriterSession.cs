using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The adapter's own seam between its two stores on one file, so that no port is downcast: the
/// notification records join the mirror writer's group commit through it. The mirror store
/// implements it; the notification store is handed it by AddSqliteStore (or by its constructor).
/// A writer is recognised by identity (the one this session handed out for the current event),
/// never by its type, so a writer of another store or adapter is simply not joined.
/// </summary>
internal interface ISqliteWriterSession
{
    /// <summary>Runs SQL on the writer connection inside the next group commit, in its own savepoint.</summary>
    Task<T> WriteSqlAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct);

    /// <summary>The connection of <paramref name="writer"/> when it is this session's writer (inside its WriteAsync); otherwise null.</summary>
    SqliteConnection? ConnectionOf(IMirrorWriter writer);
}
