using System.Globalization;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>
/// The version of a snapshot taken at unix second T: the very start of second T, rendered like
/// an event's version (<see cref="EventVersion"/>) with sequence 0 and an empty event id. So every
/// event of second T or later is newer than the snapshot and wins over it, and every event of an
/// earlier second is older and loses to it. T is the service's clock when the reads began, less
/// Reconcile:SafetyMargin, so that an event that happened during the reads is newer than T.
/// </summary>
public static class SnapshotVersion
{
    public static string At(long takenAt) => string.Create(CultureInfo.InvariantCulture, $"{takenAt:D12}.{0:D19}.");

    /// <summary>T for reads starting at <paramref name="readsStart"/>.</summary>
    public static long TakenAt(DateTimeOffset readsStart, TimeSpan safetyMargin) => (readsStart - safetyMargin).ToUnixTimeSeconds();

    /// <summary>Whether a document at <paramref name="stored"/> is older than the snapshot (so the snapshot may overwrite it).</summary>
    public static bool IsOlder(string stored, string snapshot) => EventVersion.Compare(stored, snapshot) < 0;
}
