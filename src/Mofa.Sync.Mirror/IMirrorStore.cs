namespace Mofa.Sync.Mirror;

/// <summary>The port every mirror store implements (SQLite embedded, MongoDB).</summary>
public interface IMirrorStore : IAsyncDisposable
{
    /// <summary>A short name for logs and health output ("sqlite", "mongodb").</summary>
    string Kind { get; }

    /// <summary>Creates tables or collections and indexes; idempotent.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Runs the writes of one event. The task completes only once they are durable (committed),
    /// so the message can be acknowledged after it. SQLite runs them in one transaction (and may
    /// commit several events together: group commit). MongoDB runs them one by one without a
    /// transaction: readers may briefly see part of an event, and a crash midway is completed by
    /// the redelivery, since every step is idempotent.
    /// </summary>
    Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct);

    /// <summary>
    /// True when an event's writes commit together or not at all (SQLite): a redelivered event that
    /// finds its write applied finds the change it recorded there too, so a change is recorded
    /// (<see cref="IMirrorWriter.RecordChangeAsync"/>) only for a first application. False (MongoDB):
    /// each step stands alone and a redelivery completes the record.
    /// </summary>
    bool WritesAreAtomic { get; }

    /// <summary>Every document of a collection, tombstones included.</summary>
    Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct);

    /// <summary>
    /// Deletes tombstones written before <paramref name="olderThan"/>, and user profiles written
    /// before it that no live teacher role backs (user minimisation); returns how many.
    /// </summary>
    Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken ct);
}
