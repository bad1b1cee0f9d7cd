namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>What applying (or auditing) one course's snapshot did.</summary>
public sealed record SnapshotOutcome(SnapshotStatus Status, SnapshotDrift Drift, int Written, string? Detail = null);

public enum SnapshotStatus
{
    /// <summary>The mirror already equals Moodle: nothing written.</summary>
    InSync,

    /// <summary>Differences found and written (the ones no newer event had overtaken).</summary>
    Repaired,

    /// <summary>Differences found, nothing written (--dry-run).</summary>
    DriftFound,

    /// <summary>The mirror deleted the course after the snapshot was taken: a snapshot never brings it back.</summary>
    DeletedSince,

    /// <summary>Moodle has no such course and the mirror never had it: nothing to do, and most likely a wrong course id.</summary>
    NotFound,
}
