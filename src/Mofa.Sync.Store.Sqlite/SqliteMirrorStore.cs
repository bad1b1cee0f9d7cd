using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one writer connection that
/// commits the events queued meanwhile in one transaction (group commit). A caller's task
/// completes after the COMMIT, so the consumer acknowledges only committed writes. One failing
/// event does not undo the others: the batch is then run again with each event in its own
/// savepoint (a savepoint per event on every batch would cost two statements per event for a
/// case that almost never happens). Checkpoints run beside the writer (<see cref="SqliteCheckpointer"/>).
/// The writer records the content changes the events make (the change outbox, <see cref="ChangeOutboxSettings"/>)
/// on the same connection, in the same transaction.
/// </summary>
public sealed class SqliteMirrorStore : IMirrorStore, ISqliteWriterSession
{
    private readonly SqliteStoreOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteFile _file;
    private readonly ChangeOutboxSettings _outbox;

    /// <summary>Set after a commit that recorded a change into a digest due at once (waited on through the notification store on this file).</summary>
    private readonly DueDigestSignal _dueDigests = new();

    private readonly Channel<IPendingWrite> _queue = Channel.CreateUnbounded<IPendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _writerLoop;
    private SqliteConnection? _connection;
    private SqliteMirrorWriter? _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private int _disposed;
    private readonly Lock _initializing = new();

    /// <summary>1 when the checkpointer has copied the log but for the frames committed meanwhile: the writer copies those before its next transaction.</summary>
    private int _catchUpWanted;

    /// <param name="outbox">Whether the writes record the changes they make, and into digests of which window; none: <see cref="ChangeOutboxSettings.Off"/>.</param>
    public SqliteMirrorStore(SqliteStoreOptions options, ILogger<SqliteMirrorStore> logger, ChangeOutboxSettings? outbox = null)
        : this(new SqliteFile(options), logger, outbox)
    {
    }

    /// <param name="outbox">Whether the writes record the changes they make, and into digests of which window; none: <see cref="ChangeOutboxSettings.Off"/>.</param>
    public SqliteMirrorStore(SqliteFile file, ILogger<SqliteMirrorStore> logger, ChangeOutboxSettings? outbox = null)
    {
        _file = file;
        _outbox = outbox ?? ChangeOutboxSettings.Off;
        _options = file.Options;
        _logger = logger;
        _checkpointer = new SqliteCheckpointer(file.Open, _options.CheckpointInterval, logger, () => Volatile.Write(ref _catchUpWanted, 1));
    }

    public string Kind => "sqlite";

    DueDigestSignal ISqliteWriterSession.DueDigests => _dueDigests;

    /// <summary>
    /// An event's writes and its change's record commit together or not at all: in its batch's transaction, which
    /// is undone whole when one event fails (and then run again with a savepoint per event).
    /// </summary>
    public bool WritesAreAtomic => true;

    public Task InitializeAsync(CancellationToken ct)
    {
        lock (_initializing)
        {
            if (_writerLoop is not null) return Task.CompletedTask;
            CreateSchema();
            _writerLoop = Task.Run(WriterLoopAsync, CancellationToken.None);
            _checkpointer.Start();
        }

        return Task.CompletedTask;
    }

    private void CreateSchema()
    {
        _file.Prepare();
        using var connection = Open();
        SqliteSchema.Create(connection);
    }

    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) => EnqueueAsync(work, ct);

    /// <summary>
    /// Runs raw SQL on the writer connection inside the next group commit, failing alone like an
    /// event's writes: for the notification store's writes, which live in the same file.
    /// </summary>
    public Task<T> WriteSqlAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct) =>
        EnqueueAsync((writer, _) => Task.FromResult(work(writer.Connection)), ct);

    private async Task<T> EnqueueAsync<T>(Func<SqliteMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        // Whoever writes first (the notification store may) starts the writer.
        if (_writerLoop is null) await InitializeAsync(ct);
        var pending = new PendingWrite<T>(work, ct);
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Completion.Task.WaitAsync(ct);
    }

    public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {SqliteRows.Columns} FROM {SqliteSchema.Table(collection)} ORDER BY key";
        using var reader = cmd.ExecuteReader();
        var docs = new List<MirrorDocument>();
        while (reader.Read()) docs.Add(SqliteRows.Document(collection, reader));

        return Task.FromResult<IReadOnlyList<MirrorDocument>>(docs);
    }

    public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) =>
        EnqueueAsync((writer, _) =>
        {
            var cut = olderThan.ToUnixTimeMilliseconds();
            var purged = 0;
            foreach (var c in MirrorCollectionNames.All)
            {
                purged += Execute(writer.Connection, $"DELETE FROM {SqliteSchema.Table(c)} WHERE deleted = 1 AND updated_at < $cut", cut);
            }

            // User minimisation: a profile no live teacher role backs leaves once late events can no longer need it.
            purged += Execute(writer.Connection, """
                DELETE FROM users WHERE updated_at < $cut AND NOT EXISTS (
                    SELECT 1 FROM teacherRoles r WHERE r.site = users.site AND r.user_id = users.user_id AND r.deleted = 0)
                """, cut);
            return Task.FromResult(purged);
        }, ct);

    public Task PingAsync(CancellationToken ct)
    {
        using var connection = Open();
        SqliteSchema.Exec(connection, "SELECT count(*) FROM courses");
        return Task.CompletedTask;
    }

    private static int Execute(SqliteConnection connection, string sql, long cut)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$cut", cut);
        return cmd.ExecuteNonQuery();
    }

    private SqliteConnection Open() => _file.Open();

    private async Task WriterLoopAsync()
    {
        var batch = new List<IPendingWrite>(_options.MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    if (!next.IsCancelled) batch.Add(next);
                }

                if (batch.Count == 0) continue;
                CatchUpCheckpoint();
                await CommitBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task CommitBatchAsync(List<IPendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var writer = EnsureWriterConnection();
            if (!await TryRunTogetherAsync(writer, batch)) await RunEachInSavepointAsync(writer, batch);
            writer.CommitBatch();
            foreach (var pending in batch) pending.Complete();
            if (writer.RecordedDueDigest) _dueDigests.Set();
        }
        catch (Exception ex)
        {
            // The transaction (or the connection) failed: nothing of this batch is committed.
            _logger.LogWarning("SQLite store write failed ({Path}): {Message}", _options.Path, ex.Message);
            ResetWriterConnection();
            foreach (var pending in batch) pending.Fail(ex);
        }
        finally
        {
            SqliteStoreMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            SqliteStoreMetrics.CommitEvents.Record(batch.Count);
        }
    }

    /// <summary>
    /// Between two transactions, when the checkpointer asked: copies the frames committed during its checkpoint,
    /// so that this connection's next transaction finds the whole log copied and writes it from its start
    /// (<see cref="SqliteCheckpointer"/> says why). A failure only leaves the log as it was; the next tick asks again.
    /// </summary>
    private void CatchUpCheckpoint()
    {
        if (Interlocked.Exchange(ref _catchUpWanted, 0) == 0) return;
        try
        {
            SqliteCheckpointer.Checkpoint(EnsureWriterConnection().Connection);
        }
        catch (Exception ex)
        {
            // Whatever broke the connection breaks the batch's BEGIN next, which resets it; the writer loop must go on.
            _logger.LogDebug("SQLite checkpoint on the writer connection failed: {Message}", ex.Message);
        }
    }

    /// <summary>Runs every event's writes in one transaction; false (and nothing kept) when one of them failed.</summary>
    private static async Task<bool> TryRunTogetherAsync(SqliteMirrorWriter writer, List<IPendingWrite> batch)
    {
        writer.BeginBatch();
        foreach (var pending in batch)
        {
            try
            {
                await pending.RunAsync(writer);
            }
            catch (Exception)
            {
                writer.RollbackBatch();
                return false;
            }
        }

        return true;
    }

    /// <summary>Runs the batch again, each event in its own savepoint: a failing event fails alone.</summary>
    private static async Task RunEachInSavepointAsync(SqliteMirrorWriter writer, List<IPendingWrite> batch)
    {
        writer.BeginBatch();
        foreach (var pending in batch)
        {
            writer.BeginEvent();
            try
            {
                await pending.RunAsync(writer);
                writer.EndEvent();
            }
            catch (Exception ex)
            {
                writer.UndoEvent();
                pending.Fail(ex);
            }
        }
    }

    /// <summary>For tests: one tick of the checkpointer now, as its timer would run it.</summary>
    internal void CheckpointNow() => _checkpointer.CheckpointOnce();

    private SqliteMirrorWriter EnsureWriterConnection()
    {
        if (_writer is not null) return _writer;
        _connection = Open();
        SqliteSchema.Exec(_connection, $"PRAGMA synchronous = {_options.Synchronous.ToString().ToUpperInvariant()};");
        SqliteSchema.Exec(_connection, $"PRAGMA cache_size = -{_options.CacheSizeMegabytes * 1024};");
        // The checkpointer copies the log into the file; this connection's commits never wait for a copy.
        SqliteSchema.Exec(_connection, "PRAGMA wal_autocheckpoint = 0;");
        _writer = new SqliteMirrorWriter(_connection, _outbox);
        return _writer;
    }

    private void ResetWriterConnection()
    {
        try
        {
            _writer?.Dispose();
            // Back to SQLite's defaults before the connection returns to the pool, where other code may take it.
            if (_connection is not null) SqliteSchema.Exec(_connection, "PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -2000;");
            _connection?.Dispose();
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "closing the SQLite writer connection failed");
        }

        _writer = null;
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop;
        }

        await _stopping.CancelAsync();
        await _checkpointer.DisposeAsync();
        ResetWriterConnection();
        _stopping.Dispose();
    }

    /// <summary>One event's writes waiting for the writer loop.</summary>
    private interface IPendingWrite
    {
        bool IsCancelled { get; }
        Task RunAsync(SqliteMirrorWriter writer);
        void Fail(Exception ex);
        void Complete();
    }

    private sealed class PendingWrite<T>(Func<SqliteMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) : IPendingWrite
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCancelled => ct.IsCancellationRequested;

        public async Task RunAsync(SqliteMirrorWriter writer) => _result = await work(writer, ct);

        public void Fail(Exception ex)
        {
            _error = ex;
            Completion.TrySetException(ex);
        }

        public void Complete()
        {
            if (_error is null) Completion.TrySetResult(_result!);
        }
    }
}
