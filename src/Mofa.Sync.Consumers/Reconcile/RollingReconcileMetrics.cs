using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The rolling reconcile on the "Mofa.Sync" meter, per site: the pass as the store holds it (read by every instance
/// every Reconcile:StatusInterval, so any instance's /metrics tells the truth) and whether this instance leads it.
/// The unit "s" makes the exporter add `_seconds` to a name.
/// The same figures `mofa-sync reconcile status` prints.
/// </summary>
public sealed class RollingReconcileMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, Observed> _sites = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _leading = new(StringComparer.Ordinal);

    public RollingReconcileMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(SyncMetrics.MeterName) ?? new Meter(SyncMetrics.MeterName);
        Gauge("mofa_sync_reconcile_period", "s", "The rolling reconcile's period per site (Moodle:Sites:{n}:Reconcile:Period)", x => x.Period.TotalSeconds);
        Gauge("mofa_sync_reconcile_pass_courses", null, "Courses in the site's current rolling pass (the last pass's between passes)", x => x.State.PassStartedAt is null ? x.State.LastPassCourses : x.State.PassCourses);
        Gauge("mofa_sync_reconcile_pass_verified_courses", null, "Courses of the current pass verified since it started (by the pass or by events)", x => x.State.PassStartedAt is null ? x.State.LastPassCourses : x.State.Verified);
        Gauge("mofa_sync_reconcile_pass_calls", null, "Web service calls the current pass has used (event-driven reconciles of its courses included)", x => x.State.Counters.Calls);
        Gauge("mofa_sync_reconcile_pass_failed_courses", null, "Courses of the current pass that could not be verified (refused, or failing past Reconcile:RetryLimit)", x => x.State.Counters.Failed);
        Gauge("mofa_sync_reconcile_last_pass_end_timestamp", "s", "When the site's last full pass ended (unix time; 0: none yet)", x => x.State.LastPassEndedAt?.ToUnixTimeSeconds() ?? 0);
        Gauge("mofa_sync_reconcile_pass_projected_end_timestamp", "s", "When the current pass will have verified its last course at the budget (unix time; 0: no pass running)", x => x.ProjectedEnd?.ToUnixTimeSeconds() ?? 0);
        Gauge("mofa_sync_reconcile_pass_needed", "s", "How long a whole pass takes at the budget: courses × calls per course ÷ Reconcile:CallsPerSecond", x => x.Projection.Needed.TotalSeconds);
        Gauge("mofa_sync_reconcile_pass_behind", null, "1 when a pass needs longer than the period (the pass cannot keep up), else 0", x => x.Projection.Behind ? 1 : 0);
        _meter.CreateObservableGauge("mofa_sync_reconcile_pass_drift", () => _sites.SelectMany(kv => Drift(kv.Key, kv.Value.State.Counters)),
            description: "Differences the current pass found and repaired, by site, kind (course, module, teacher, quizlist) and state (found, repaired)");
        _meter.CreateObservableGauge("mofa_sync_reconcile_leader", () => _leading.Select(kv => new Measurement<int>(kv.Value ? 1 : 0, Site(kv.Key))),
            description: "1 in the instance leading the site's rolling pass (it holds the lease), else 0");
    }

    /// <summary>The site's state as just read from the store.</summary>
    public void Observe(ReconcileSiteState state, TimeSpan period, double callsPerSecond, DateTimeOffset now)
    {
        var projection = PassProjection.Of(state, period, callsPerSecond);
        _sites[state.Site] = new Observed(state, projection, PassProjection.ProjectedEnd(state, projection, now), period);
    }

    public void Leading(string site, bool leading) => _leading[site] = leading;

    private void Gauge(string name, string? unit, string description, Func<Observed, double> value) =>
        _meter.CreateObservableGauge(name, () => _sites.Select(kv => new Measurement<double>(value(kv.Value), Site(kv.Key))), unit, description);

    private static IEnumerable<Measurement<int>> Drift(string site, PassCounters c)
    {
        foreach (var (state, counts) in new[] { ("found", c.Found), ("repaired", c.Repaired) })
        {
            foreach (var (kind, n) in new[] { ("course", counts.Courses), ("module", counts.Modules), ("teacher", counts.Teachers), ("quizlist", counts.QuizLists) })
            {
                yield return new Measurement<int>(n, Site(site), new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("state", state));
            }
        }
    }

    private static KeyValuePair<string, object?> Site(string site) => new("site", site);

    /// <summary>A site's state as last read, with what it projects at the budget.</summary>
    private sealed record Observed(ReconcileSiteState State, PassProjection Projection, DateTimeOffset? ProjectedEnd, TimeSpan Period);

    public void Dispose() => _meter.Dispose();
}
