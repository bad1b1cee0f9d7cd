using System.Collections.Concurrent;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// The failure signals the work reports and the health checks read (one per service process):
/// the mirror store's writes, the teachers' notifications, and each configured Moodle site by its
/// wwwroot (token refused, not reachable, answering errors). A later success of the same work clears each.
/// </summary>
public sealed class HealthSignals
{
    private readonly ConcurrentDictionary<string, FailureSignal> _sites = new(StringComparer.Ordinal);

    /// <summary>Applying events to the mirror store (a write that failed: locked, disk full, server gone).</summary>
    public FailureSignal StoreWrites { get; } = new();

    /// <summary>Delivering digests to teachers through Moodle (a failed delivery is parked in the notifications' _error queue).</summary>
    public FailureSignal Notifications { get; } = new();

    /// <summary>Calls to the Moodle site with this canonical wwwroot.</summary>
    public FailureSignal Site(string url) => _sites.GetOrAdd(url, _ => new FailureSignal());
}
