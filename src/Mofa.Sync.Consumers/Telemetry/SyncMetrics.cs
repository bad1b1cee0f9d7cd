using System.Diagnostics.Metrics;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// The service's instruments, on the "Mofa.Sync" meter (exported by OpenTelemetry where configured),
/// named as Prometheus expects them once exported: counters get `_total`, durations are in seconds
/// (the unit "s" makes the exporter add `_seconds`). Every bridge message is counted once as
/// received and once by its final outcome, tagged with its kind: an in-process retry is neither a
/// new message nor an outcome (<see cref="DeliveryAttempts"/>).
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "Mofa.Sync";

    /// <summary>The outcome of a message moved to _error after failing for another reason than the contract.</summary>
    public const string Faulted = "faulted";

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _applySeconds;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _transportErrors;
    private readonly Counter<long> _requestsRefused;

    public SyncMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _received = _meter.CreateCounter<long>("mofa_sync_events_received", description: "Bridge messages received (a redelivery counts again, an in-process retry does not)");
        _outcomes = _meter.CreateCounter<long>("mofa_sync_events", description: "Bridge messages by final outcome: applied, duplicate, stale, ignored, invalid, faulted");
        _deadLettered = _meter.CreateCounter<long>("mofa_sync_dead_lettered",
            description: "Messages moved to an _error queue, by the queue they came from (invalid and faulted bridge messages, parked notifications, failed reconciles)");
        _transportErrors = _meter.CreateCounter<long>("mofa_sync_transport_errors",
            description: "Broker-side failures: endpoint_faulted (a receive endpoint lost its channel or connection), error_move_failed (a message could not be moved to _error)");
        _applySeconds = _meter.CreateHistogram<double>("mofa_sync_apply_duration", unit: "s", description: "Time to apply one event to the mirror, commit included");
        _notifications = _meter.CreateCounter<long>("mofa_sync_notifications",
            description: "Teacher messages by outcome: delivered, refused (by Moodle, for that teacher), call_failed (the Moodle call failed; retried, then parked), unconfirmed (Moodle's answer could not be read; not sent again), not_sent (no Moodle web service)");
        _requestsRefused = _meter.CreateCounter<long>("mofa_sync_notification_requests_refused",
            description: "NotificationRequested messages the notification consumer refused, messaging nobody: unknown_digest (not a digest this service recorded), differs (not what it recorded for that digest)");
        _meter.CreateObservableGauge("mofa_sync_build_info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", ServiceVersion.Current)),
            description: "Always 1; the version label is the running service's version");
    }

    public void Received(string kind) => _received.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Outcome(string kind, string outcome) =>
        _outcomes.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>
    /// A message is in its _error queue (called once, where it is moved). A bridge message that failed
    /// for another reason than the contract is also its <see cref="Faulted"/> outcome (<paramref name="faulted"/>):
    /// counted here, once, and not per failed attempt; an invalid one was counted as such when it was read.
    /// </summary>
    public void DeadLettered(Uri inputAddress, string? routingKey, bool faulted)
    {
        var queue = Uri.UnescapeDataString(inputAddress.AbsolutePath).Trim('/');
        _deadLettered.Add(1, new KeyValuePair<string, object?>("queue", queue[(queue.LastIndexOf('/') + 1)..]));
        if (faulted) Outcome(routingKey ?? "(none)", Faulted);
    }

    public void ApplyDuration(string kind, TimeSpan elapsed) =>
        _applySeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Outcomes of teacher messages: <see cref="NotificationOutcomes"/>; one per teacher.</summary>
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
