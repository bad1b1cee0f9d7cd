using System.Diagnostics.Metrics;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The embedded store's instruments, on the service's meter: how long each group commit and each
/// checkpoint takes (in seconds, exported as `…_seconds`) and how many events a commit carries — what a latency tail is read from.
/// </summary>
internal static class SqliteStoreMetrics
{
    // The service's meter (SyncMetrics.MeterName): exported with the rest, without this project depending on the agents.
    private static readonly Meter Meter = new("Mofa.Sync");

    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "mofa_sync_store_commit_duration", unit: "s", description: "SQLite: one group commit, from BEGIN to the end of COMMIT (the events' writes included)");

    public static readonly Histogram<int> CommitEvents = Meter.CreateHistogram<int>(
        "mofa_sync_store_commit_events", description: "SQLite: the events (and notification writes) committed together in one transaction");

    public static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram<double>(
        "mofa_sync_store_checkpoint_duration", unit: "s", description: "SQLite: one checkpoint of the write-ahead log into the database file, on its own connection or, for the frames committed meanwhile, on the writer's between two commits");
}
