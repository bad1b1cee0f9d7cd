namespace Mofa.Sync.Mirror.Notifications;

/// <summary>
/// The change outbox as a store adapter keeps it, given to the adapter when it is registered
/// (AddSqliteStore, AddMongoDbStore): whether its mirror writes record the content changes they make
/// (<see cref="IMirrorWriter.RecordChangeAsync"/>), and the digest window they are recorded into.
/// </summary>
/// <param name="Records">False: nothing is recorded, the mirror path alone (stores opened by the commands, `mofa-sync-bench --without-notifications`).</param>
/// <param name="DigestWindow">A change joins its course's open digest, or opens one due this long after it; zero: a digest of its own, due at once.</param>
public sealed record ChangeOutboxSettings(bool Records, TimeSpan DigestWindow)
{
    /// <summary>Nothing recorded.</summary>
    public static ChangeOutboxSettings Off { get; } = new(Records: false, TimeSpan.Zero);

    /// <summary>Every effective content change recorded into digests of <paramref name="digestWindow"/> (Notifications:DigestWindow).</summary>
    public static ChangeOutboxSettings On(TimeSpan digestWindow) => new(Records: true, digestWindow);

    /// <summary>A recorded change's digest is due the moment it commits: the publisher should look then (<see cref="DueDigestSignal"/>).</summary>
    public bool DueAtOnce => DigestWindow == TimeSpan.Zero;
}
