using Xunit;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The embedded store's writer on a real file: events queued together commit in one transaction,
/// one failing event fails alone, and the write-ahead log is copied into the file beside the writer.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncDisposable
{
    private readonly string _path = SqliteTestFile.NewPath("mofa-group-commit");

    private SqliteMirrorStore NewStore(TimeSpan? checkpointInterval = null) => new(
        new SqliteStoreOptions { Path = _path, Synchronous = SqliteSynchronous.Normal, CheckpointInterval = checkpointInterval ?? TimeSpan.FromSeconds(1) },
        NullLogger<SqliteMirrorStore>.Instance);

    private static MirrorDocument Module(int cm) => new()
    {
        Collection = MirrorCollection.Modules,
        Key = $"https://moodle.example.edu|{cm}",
        Site = "https://moodle.example.edu",
        CourseId = 7,
        Version = $"v{cm:D4}",
        Data = new JsonObject { ["name"] = $"Quiz {cm}" },
    };

    [Fact]
    public async Task A_failing_event_in_a_batch_fails_alone_and_the_others_commit()
    {
        await using var store = NewStore();
        await store.InitializeAsync(CancellationToken.None);
        // How often each event's writes ran: this store's own count, not a process-wide meter.
        var runs = new int[12];

        // The first write holds the writer until the others are queued, so they form the next batch together.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = store.WriteAsync(async (w, ct) =>
        {
            started.TrySetResult();
            await release.Task;
            return await w.UpsertIfNewerAsync(Module(1), ct);
        }, CancellationToken.None);
        await started.Task; // the writer has taken it: what is queued from now on waits for the next batch
        var queued = Enumerable.Range(2, 10).Select(cm => store.WriteAsync(async (w, ct) =>
        {
            Interlocked.Increment(ref runs[cm]);
            var outcome = await w.UpsertIfNewerAsync(Module(cm), ct);
            if (cm == 6) throw new InvalidOperationException("event 6 breaks after its write");
            return outcome;
        }, CancellationToken.None)).ToList();
        release.SetResult();

        await holding;
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => queued[4]);
        Assert.Equal("event 6 breaks after its write", failed.Message);
        foreach (var (task, cm) in queued.Select((t, i) => (t, i + 2)).Where(x => x.Item2 != 6)) Assert.Equal(WriteOutcome.Applied, await task);

        var stored = (await store.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Select(d => d.Key).ToHashSet();
        Assert.Equal(Enumerable.Range(1, 11).Where(cm => cm != 6).Select(cm => Module(cm).Key).ToHashSet(), stored);
        // The path under test ran: the events before 6 ran in one transaction with it, and again each in its own savepoint.
        Assert.True(runs[2..6].All(n => n == 2), $"events 2-5 should have run twice (with event 6, then alone); they ran {string.Join(", ", runs[2..6])} times");
    }

    [Fact]
    public async Task The_write_ahead_log_is_copied_into_the_database_file_while_the_service_runs()
    {
        await using var store = NewStore(checkpointInterval: TimeSpan.FromMilliseconds(100));
        await store.InitializeAsync(CancellationToken.None);
        var emptyFileBytes = new FileInfo(_path).Length;

        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(round * 100, 100).Select(cm => store.WriteAsync((w, ct) => w.UpsertIfNewerAsync(Module(cm), ct), CancellationToken.None)));
        }

        // The writer never checkpoints itself (wal_autocheckpoint = 0): only the checkpointer grows the file.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (new FileInfo(_path).Length <= emptyFileBytes && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(new FileInfo(_path).Length > emptyFileBytes, $"the database file stayed at {emptyFileBytes} bytes: nothing was checkpointed");
        Assert.Equal(2000, (await store.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_write_ahead_log_starts_over_after_a_checkpoint_even_when_a_commit_landed_while_it_ran()
    {
        // The timer never ticks in this test: the checkpoints run when it says, at the points it holds.
        await using var store = NewStore(checkpointInterval: TimeSpan.FromMinutes(10));
        await store.InitializeAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(1, 50).Select(cm => store.WriteAsync((w, ct) => w.UpsertIfNewerAsync(Module(cm), ct), CancellationToken.None)));

        // A commit that lands after the checkpoint: its transaction is open while the checkpoint runs.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = store.WriteAsync(async (w, ct) =>
        {
            var outcome = await w.UpsertIfNewerAsync(Module(100), ct);
            started.TrySetResult();
            await release.Task;
            return outcome;
        }, CancellationToken.None);
        await started.Task;
        store.CheckpointNow();
        release.SetResult();
        await held;
        var (restartsBefore, bytesBefore) = WriteAheadLog();

        // Without the writer's catch-up, this transaction would begin with the held commit's frames not yet
        // copied, append after them, and so would every later one under a steady stream of commits.
        await store.WriteAsync((w, ct) => w.UpsertIfNewerAsync(Module(101), ct), CancellationToken.None);

        var (restartsAfter, bytesAfter) = WriteAheadLog();
        Assert.True(restartsAfter == restartsBefore + 1,
            $"the log should have been written from its start again (its header's checkpoint sequence {restartsBefore} + 1); it is {restartsAfter}");
        Assert.True(bytesAfter == bytesBefore, $"the log grew from {bytesBefore} to {bytesAfter} bytes instead of being written from its start");
        Assert.Equal(52, (await store.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Count);
    }

    /// <summary>The write-ahead log's checkpoint sequence (its header, bytes 12–15: SQLite adds one each time it writes the log from its start) and its size.</summary>
    private (uint Restarts, long Bytes) WriteAheadLog()
    {
        using var log = new FileStream(_path + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        log.ReadExactly(header);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]), log.Length);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        SqliteTestFile.Delete(_path);
    }
}
