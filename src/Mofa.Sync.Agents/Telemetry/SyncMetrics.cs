using System.Diagnostics.Metrics;

namespace Mofa.Sync.Agents.Telemetry;

/// <summary>
/// The service's counters, on the "Mofa.Sync" meter (exported by OpenTelemetry where configured).
/// Every event is counted once as received and once by outcome, tagged with its kind.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "Mofa.Sync";

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _applyMs;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _transportErrors;
    private readonly Counter<long> _requestsRefused;

    public SyncMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _received = _meter.CreateCounter<long>("mofa_sync_events_received", description: "Bridge messages received");
        _outcomes = _meter.CreateCounter<long>("mofa_sync_events", description: "Bridge messages by outcome: applied, duplicate, stale, ignored, invalid, faulted");
        _transportErrors = _meter.CreateCounter<long>("mofa_sync_transport_errors",
            description: "Broker-side failures: endpoint_faulted (a receive endpoint lost its channel or connection), error_move_failed (a message could not be moved to _error)");
        _applyMs = _meter.CreateHistogram<double>("mofa_sync_apply_duration", unit: "ms", description: "Time to apply one event to the mirror, commit included");
        _notifications = _meter.CreateCounter<long>("mofa_sync_notifications",
            description: "Teacher messages by outcome: delivered, refused (by Moodle, for that teacher), call_failed (the Moodle call failed; retried), unconfirmed (Moodle's answer could not be read; not sent again), not_sent (no Moodle web service)");
        _requestsRefused = _meter.CreateCounter<long>("mofa_sync_notification_requests_refused",
            description: "NotificationRequested messages the notification consumer refused, messaging nobody: unknown_digest (not a digest this service recorded), differs (not what it recorded for that digest)");
    }

    public void Received(string kind) => _received.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Outcome(string kind, string outcome) =>
        _outcomes.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    public void ApplyDuration(string kind, TimeSpan elapsed) =>
        _applyMs.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Outcomes of teacher messages: <see cref="NotificationOutcomes"/>; one per teacher (per attempt for call_failed).</summary>
    public void Notifications(string outcome, int count)
    {
        if (count > 0) _notifications.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>A NotificationRequested refused: <see cref="NotificationRequestRefusals"/>.</summary>
    public void NotificationRequestRefused(string reason) => _requestsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TransportError(string kind) => _transportErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Dispose() => _meter.Dispose();
}

/// <summary>The outcome label of mofa_sync_notifications_total.</summary>
public static class NotificationOutcomes
{
    public const string Delivered = "delivered";
    public const string Refused = "refused";
    public const string CallFailed = "call_failed";
    public const string Unconfirmed = "unconfirmed";
    public const string NotSent = "not_sent";
}

/// <summary>The reason label of mofa_sync_notification_requests_refused_total.</summary>
public static class NotificationRequestRefusals
{
    public const string UnknownDigest = "unknown_digest";
    public const string Differs = "differs";
}
