namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>How the mirror differs from Moodle for one thing.</summary>
public enum DriftKind
{
    /// <summary>Moodle has it, the mirror does not (or holds only a placeholder or an older tombstone).</summary>
    Missing,

    /// <summary>The mirror has it, Moodle no longer does.</summary>
    Extra,

    /// <summary>Both have it, with different fields.</summary>
    Changed,
}

/// <summary>One difference, in words an operator reads ("module 12 (quiz) 'Quiz 1'").</summary>
public sealed record DriftItem(MirrorCollection Collection, DriftKind Kind, string Key, string What);

/// <summary>The differences between the mirror and a snapshot of one course, in the order they were found.</summary>
public sealed record SnapshotDrift(IReadOnlyList<DriftItem> Items)
{
    public static readonly SnapshotDrift None = new([]);

    public bool Any => Items.Count > 0;

    public int Count(MirrorCollection collection, DriftKind kind) => Items.Count(i => i.Collection == collection && i.Kind == kind);

    /// <summary>The collections with any difference, each with its items by kind.</summary>
    public IEnumerable<IGrouping<MirrorCollection, DriftItem>> ByCollection() => Items.GroupBy(i => i.Collection).OrderBy(g => g.Key);
}
