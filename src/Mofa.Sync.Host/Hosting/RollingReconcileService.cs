using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Runs the rolling reconcile of every site with a Moodle:Sites:{n}:Reconcile:Period (<see cref="RollingReconcile"/>;
/// one instance leads each site's pass, the others stand by for its lease) and, in every instance, reads the
/// passes' state from the store every Reconcile:StatusInterval for /metrics.
/// </summary>
public sealed class RollingReconcileService(
    MoodleSites sites,
    RollingReconcile rolling,
    IReconcileStateStore state,
    RollingReconcileMetrics metrics,
    ReconcileOptions options,
    TimeProvider clock,
    ILogger<RollingReconcileService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rolled = sites.All.Where(s => s is { HasToken: true, ReconcilePeriod: not null }).ToList();
        if (rolled.Count == 0) return Task.CompletedTask;
        foreach (var site in rolled)
        {
            logger.LogInformation("Rolling reconcile of {Site}: every course verified once per {Period}, at most {CallsPerSecond} call(s)/s for all instances (this one: {Holder})",
                site.Url, site.ReconcilePeriod, options.CallsPerSecond, rolling.Holder);
        }

        return Task.WhenAll(rolled.Select(s => rolling.RunAsync(s, s.ReconcilePeriod!.Value, stoppingToken)).Append(ObserveAsync(rolled, stoppingToken)));
    }

    private async Task ObserveAsync(IReadOnlyList<MoodleSite> rolled, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                foreach (var site in rolled)
                {
                    try
                    {
                        if (await state.GetAsync(site.Url, ct) is { } s) metrics.Observe(s, site.ReconcilePeriod!.Value, options.CallsPerSecond, clock.GetUtcNow());
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogDebug("Rolling reconcile of {Site}: the pass's state could not be read for /metrics: {Reason}", site.Url, PlainText.Escape(ex.Message));
                    }
                }

                await Task.Delay(options.StatusInterval, clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
