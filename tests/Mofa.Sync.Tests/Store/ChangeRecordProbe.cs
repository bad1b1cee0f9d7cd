using Mofa.Sync.Mirror;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// A store around a real one whose change records a test watches and makes fail: each change the apply
/// rules hand to the writer (<see cref="IMirrorWriter.RecordChangeAsync"/>) is counted, then recorded by
/// the real store's writer and kept in <see cref="Recorded"/>. While <see cref="FailBeforeRecord"/> the
/// record throws instead (a failed write of the record); with <see cref="FailAfterRecord"/> it throws
/// after the real record (a store error or crash after the insert). Everything else is the real store's.
/// </summary>
internal sealed class ChangeRecordProbe(IMirrorStore real) : IMirrorStore
{
    private int _calls;

    public bool FailBeforeRecord { get; set; }

    public bool FailAfterRecord { get; set; }

    /// <summary>How many times a write asked for a change's record.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The changes recorded by the real store's writer (whether or not their write then failed).</summary>
    public List<ContentChange> Recorded { get; } = [];

    public string Kind => real.Kind;

    public bool WritesAreAtomic => real.WritesAreAtomic;

    public Task InitializeAsync(CancellationToken ct) => real.InitializeAsync(ct);

    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) =>
        real.WriteAsync((w, c) => work(new Writer(w, this), c), ct);

    public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct) => real.ReadAllAsync(collection, ct);

    public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) => real.PurgeTombstonesAsync(olderThan, ct);

    public Task PingAsync(CancellationToken ct) => real.PingAsync(ct);

    /// <summary>Nothing: the real store is the test's to dispose.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RecordAsync(IMirrorWriter w, ContentChange change, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (FailBeforeRecord) throw new InvalidOperationException("the change's record failed");
        await w.RecordChangeAsync(change, ct);
        lock (Recorded) Recorded.Add(change);
        if (FailAfterRecord) throw new InvalidOperationException("the store failed after the notification's insert");
    }

    /// <summary>The real writer, with its change records going through the probe.</summary>
    private sealed class Writer(IMirrorWriter w, ChangeRecordProbe probe) : IMirrorWriter
    {
        public Task<WriteOutcome> UpsertIfNewerAsync(MirrorDocument document, CancellationToken ct) => w.UpsertIfNewerAsync(document, ct);

        public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, CancellationToken ct) =>
            w.TombstoneIfNewerAsync(target, site, courseId, userId, version, ct);

        public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, string? deletedName, CancellationToken ct) =>
            w.TombstoneIfNewerAsync(target, site, courseId, userId, version, deletedName, ct);

        public Task EnsurePlaceholderAsync(DocumentRef target, string site, long? courseId, CancellationToken ct) => w.EnsurePlaceholderAsync(target, site, courseId, ct);

        public Task<int> TombstoneChildrenAsync(ChildSelector children, string version, CancellationToken ct) => w.TombstoneChildrenAsync(children, version, ct);

        public Task<MirrorDocument?> GetAsync(DocumentRef target, CancellationToken ct) => w.GetAsync(target, ct);

        public Task<string?> GetTombstoneVersionAsync(DocumentRef target, CancellationToken ct) => w.GetTombstoneVersionAsync(target, ct);

        public Task<IReadOnlyList<MirrorDocument>> ListChildrenAsync(ChildSelector children, CancellationToken ct) => w.ListChildrenAsync(children, ct);

        public Task RecordChangeAsync(ContentChange change, CancellationToken ct) => probe.RecordAsync(w, change, ct);
    }
}
