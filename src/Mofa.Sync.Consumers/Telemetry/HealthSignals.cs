using Mofa.Sync.Moodle;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// The failure signals the work reports and the health checks read (one per service process):
/// the mirror store's writes and the teachers' notifications (each Moodle site's: <see cref="SiteHealth"/>).
/// A later success of the same work clears each.
/// </summary>
public sealed class HealthSignals
{
    /// <summary>Applying events to the mirror store (a write that failed: locked, disk full, server gone).</summary>
    public FailureSignal StoreWrites { get; } = new();

    /// <summary>Delivering digests to teachers through Moodle (a failed delivery is parked in the notifications' _error queue).</summary>
    public FailureSignal Notifications { get; } = new();
}
