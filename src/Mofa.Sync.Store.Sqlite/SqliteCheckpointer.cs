using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file at a steady pace, on a connection of its own.
/// SQLite's default does it inside the COMMIT that crosses 1,000 pages of log: that commit, and
/// every event waiting behind it, then waits for the copy and its fsyncs. The writer connection
/// turns that off (wal_autocheckpoint = 0) and this loop runs PASSIVE checkpoints instead, which
/// never block a writer or a reader.
/// <para>
/// SQLite writes the log from its start again only when a write transaction begins with every frame
/// of the log copied. Under a steady stream of commits that never happens by itself: a checkpoint
/// copies the frames that were there when it began, and commits have added more by the time it ends.
/// The log then grew as long as the stream lasted (566–599 MB beside a 125 MB file in the bench's runs),
/// every frame written into newly allocated space. So each tick checkpoints again while the previous
/// checkpoint left many frames behind, then asks the writer (<paramref name="catchUpWanted"/>) to copy
/// the few committed meanwhile between two of its transactions (<see cref="SqliteMirrorStore"/>); the
/// writer's next transaction then writes the log from its start.
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer(Func<SqliteConnection> open, TimeSpan interval, ILogger logger, Action catchUpWanted) : IAsyncDisposable
{
    /// <summary>Frames committed during a checkpoint that are left to the writer's catch-up: one or two group commits' under a backlog (1 MiB).</summary>
    private const long FewFrames = 256;

    /// <summary>At most this many checkpoints in one tick (the first and up to three more), however fast commits come.</summary>
    private const int MaxPasses = 4;

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _checkpointing = new();
    private SqliteConnection? _connection;
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token)) CheckpointOnce();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick: checkpoints until few frames were committed meanwhile, then asks the writer to copy those.</summary>
    public void CheckpointOnce()
    {
        lock (_checkpointing)
        {
            try
            {
                _connection ??= open();
                var log = Checkpoint(_connection);
                for (var pass = 1; pass < MaxPasses; pass++)
                {
                    var next = Checkpoint(_connection);
                    var committedMeanwhile = next - log;
                    log = next;
                    if (committedMeanwhile <= FewFrames) break;
                }

                if (log > 0) catchUpWanted();
            }
            catch (SqliteException ex)
            {
                // A busy file or a full disk: the next tick tries again, and the log only grows meanwhile.
                logger.LogDebug("SQLite checkpoint failed: {Message}", ex.Message);
                _connection?.Dispose();
                _connection = null;
            }
        }
    }

    /// <summary>Runs a PASSIVE checkpoint; returns the log's frames when it began (-1 when the file is not in WAL mode).</summary>
    public static long Checkpoint(SqliteConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = cmd.ExecuteReader();
        // One row: busy, the log's frames, the frames copied into the database file.
        var frames = reader.Read() ? reader.GetInt64(1) : -1L;
        SqliteStoreMetrics.CheckpointDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop;
        lock (_checkpointing)
        {
            _connection?.Dispose();
            _connection = null;
        }

        _stopping.Dispose();
    }
}
