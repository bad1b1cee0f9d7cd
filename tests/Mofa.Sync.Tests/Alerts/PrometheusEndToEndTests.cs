using System.Diagnostics;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Tests.Dlq;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// The shipped rules in a real Prometheus that scrapes a running service (the built executable): an
/// invalid message published, MofaSyncErrorQueueNotEmpty becomes firing; `dlq purge`, and it resolves.
/// </summary>
public sealed class PrometheusEndToEndTests(ITestOutputHelper output)
{
    private const string Alert = "MofaSyncErrorQueueNotEmpty";

    /// <summary>Budget against a hang for each wait, not a timing assertion.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task The_error_queue_alert_fires_for_an_invalid_message_and_resolves_after_a_purge()
    {
        Skip.IfNot(PrometheusTools.Installed, PrometheusTools.SkipReason);

        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string> { ["Service:QueueMetricsInterval"] = "00:00:01" });
        await service.WaitUntilReadyAsync(Budget);
        await using var prometheus = await PrometheusServer.StartAsync(AlertRulesTests.RulesFile, service.HealthPort, Budget);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        var depth = $"mofa_sync_queue_messages{{queue=\"{errorQueue}\"}}";

        // Scraped, with the error queue empty: the alert is silent.
        await prometheus.WaitUntilAsync(async () => await prometheus.SeriesAsync($"{depth} == 0") == 1, Budget, "scraping an empty error queue");
        Assert.DoesNotContain(await prometheus.AlertsAsync(), a => a.Name == Alert);

        var clock = Stopwatch.StartNew();
        await DlqTestKit.PublishAsync(env, [InvalidMessages.Of("b1")]);
        await prometheus.WaitUntilAsync(async () => (await prometheus.AlertsAsync()).Any(a => IsFiring(a, errorQueue)), Budget, $"{Alert} firing");
        var firing = clock.Elapsed;

        var purge = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--yes");
        Assert.True(purge.ExitCode == 0, purge.Err);
        var purged = clock.Elapsed;
        await prometheus.WaitUntilAsync(async () => !(await prometheus.AlertsAsync()).Any(a => a.Name == Alert), Budget, $"{Alert} resolved");
        var resolved = clock.Elapsed;

        output.WriteLine($"invalid message published → {Alert} firing: {firing.TotalSeconds:0.0} s; " +
            $"purge done → resolved: {(resolved - purged).TotalSeconds:0.0} s (scrape and evaluation every {PrometheusServer.Interval.TotalSeconds:0} s, queue read every 1 s)");
    }

    private static bool IsFiring(PrometheusServer.Alert alert, string queue) =>
        alert.Name == Alert && alert.State == "firing" && alert.Labels.GetValueOrDefault("queue") == queue && alert.Labels.GetValueOrDefault("severity") == "warning";
}
