using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// Gauges read from this process's own state at scrape time: each Moodle site's health signal
/// (mofa_sync_moodle_site_failing: 1 while its last call failed, its token refused or the site not
/// reachable) and the memory the process may use (mofa_sync_memory_limit_bytes: the unit "By" adds the suffix), which
/// process_memory_usage_bytes is compared with. A hosted service only so that the host creates it.
/// </summary>
public sealed class ProcessGauges : IHostedService
{
    public ProcessGauges(MoodleSites sites, SiteHealth health, IMeterFactory meters)
    {
        var meter = meters.Create(SyncMetrics.MeterName);
        meter.CreateObservableGauge("mofa_sync_moodle_site_failing",
            () => sites.All.Where(s => s.HasToken)
                .Select(s => new Measurement<int>(health.Of(s.Url).Current is null ? 0 : 1, new KeyValuePair<string, object?>("site", s.Url))),
            description: "1 while the last call to this Moodle site failed (its token refused, not reachable, answering errors), else 0; `mofa-sync health` says which");
        // The GC's view of the limit: a container's (cgroup) memory limit, GCHeapHardLimit when set, else the machine's memory.
        meter.CreateObservableGauge("mofa_sync_memory_limit", () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, unit: "By",
            description: "The memory this process may use: its container's limit, GCHeapHardLimit when set, or the machine's physical memory");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
