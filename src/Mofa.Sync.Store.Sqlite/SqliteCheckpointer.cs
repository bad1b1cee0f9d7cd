using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file at a steady pace, on a connection of its own.
/// SQLite's default does it inside the COMMIT that crosses 1,000 pages of log: that commit, and
/// every event waiting behind it, then waits for the copy and its fsyncs. The writer connection
/// turns that off (wal_autocheckpoint = 0) and this loop runs PASSIVE checkpoints instead, which
/// never block a writer or a reader; the log is reused from its start once a checkpoint has
/// caught up.
/// </summary>
internal sealed class SqliteCheckpointer(Func<SqliteConnection> open, TimeSpan interval, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(interval);
        SqliteConnection? connection = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    connection ??= open();
                    Checkpoint(connection, "PASSIVE");
                }
                catch (SqliteException ex)
                {
                    // A busy file or a full disk: the next tick tries again, and the log only grows meanwhile.
                    logger.LogDebug("SQLite checkpoint failed: {Message}", ex.Message);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static void Checkpoint(SqliteConnection connection, string mode)
    {
        var started = Stopwatch.GetTimestamp();
        SqliteSchema.Exec(connection, $"PRAGMA wal_checkpoint({mode});");
        SqliteStoreMetrics.CheckpointDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop;
        _stopping.Dispose();
    }
}
