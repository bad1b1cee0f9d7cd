using System.Diagnostics.Metrics;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// Reconciliations on the "Mofa.Sync" meter: courses done and failed (tagged with the outcome),
/// differences found per collection; and the same totals kept in process for the health report.
/// </summary>
public sealed class ReconcileMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _courses;
    private readonly Counter<long> _drift;
    private readonly Counter<long> _calls;
    private long _done, _failed, _drifted;
    private string? _lastFailure;

    public ReconcileMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(SyncMetrics.MeterName) ?? new Meter(SyncMetrics.MeterName);
        _courses = _meter.CreateCounter<long>("mofa_sync_reconciliations", description: "Courses reconciled against Moodle by outcome: insync, repaired, driftfound, gone, notfound, refused, deletedsince, failed");
        _calls = _meter.CreateCounter<long>("mofa_sync_reconcile_calls", description: "Web service calls made to a site for reconciling, by site and work: event (the agent, the command) or rolling (the rolling pass)");
        _drift = _meter.CreateCounter<long>("mofa_sync_reconcile_drift", description: "Differences between the mirror and Moodle found by reconciling, by collection and kind (missing, extra, changed)");
    }

    public long Done => Interlocked.Read(ref _done);
    public long Failed => Interlocked.Read(ref _failed);
    public long CoursesWithDrift => Interlocked.Read(ref _drifted);
    /// <summary>The reason the last course reconciled failed; null once a later one succeeded.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    public void Course(string outcome, IEnumerable<(MirrorCollection Collection, string Kind)> drift)
    {
        _courses.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        var any = false;
        foreach (var (collection, kind) in drift)
        {
            any = true;
            _drift.Add(1, new KeyValuePair<string, object?>("collection", MirrorCollectionNames.NameOf(collection)), new KeyValuePair<string, object?>("kind", kind));
        }

        Interlocked.Increment(ref _done);
        if (any) Interlocked.Increment(ref _drifted);
        // The health report tells the last run's outcome: a success clears an older failure.
        Volatile.Write(ref _lastFailure, null);
    }

    /// <summary>Calls a reconcile made to <paramref name="site"/> (a configured site's canonical address).</summary>
    public void Calls(string site, bool rolling, int calls)
    {
        if (calls > 0) _calls.Add(calls, new KeyValuePair<string, object?>("site", site), new KeyValuePair<string, object?>("work", rolling ? "rolling" : "event"));
    }

    public void CourseFailed(string reason)
    {
        _courses.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        Interlocked.Increment(ref _failed);
        Volatile.Write(ref _lastFailure, reason);
    }

    public void Dispose() => _meter.Dispose();
}
