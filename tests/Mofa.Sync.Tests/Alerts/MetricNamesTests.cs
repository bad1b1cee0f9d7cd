using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Mirror;
using Mofa.Sync.Tests.Dlq;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// Every metric the alert rules and the Grafana dashboard use is one a running service exposes on /metrics under that very
/// name (a renamed instrument or a changed unit suffix would leave an alert that can never fire, a panel that stays empty).
/// The service runs with the health endpoint, a Moodle site whose token Moodle refuses, and a
/// valid and an invalid message through the broker. Four counters appear only once their rare
/// event happened (a notification's outcome, a refused notification request, a reconcile with
/// drift, a broken broker connection): those are recorded through the service's own instruments, so the names checked
/// are still what its exporter writes.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed partial class MetricNamesTests
{
    /// <summary>Budget against a hang, not a timing assertion.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    /// <summary>Prometheus' own series, which no service exposes.</summary>
    private static readonly HashSet<string> PrometheusOwn = ["up"];

    [Fact]
    public async Task Every_metric_the_rules_and_the_dashboard_use_is_on_metrics_of_a_running_service()
    {
        var used = MetricsIn(File.ReadAllText(AlertRulesTests.RulesFile) + "\n" + string.Join("\n", AlertRulesTests.DashboardQueries()));
        Assert.Contains("mofa_sync_queue_messages", used);
        Assert.Contains("mofa_sync_events_received_total", used);

        await using var moodle = new FakeMoodleServer();
        moodle.SiteInfo = _ => FakeMoodleServer.Reply.Exception("invalidtoken", "Invalid token - token not found");
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new()
        {
            ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Service:QueueMetricsInterval"] = "00:00:01",
            ["Moodle:Sites:0:Url"] = moodle.BaseUrl,
            ["Moodle:Sites:0:Token"] = "metric-names-token",
            // The rolling reconcile's gauges come from the pass's state in the store, read every second here.
            ["Moodle:Sites:0:Reconcile:Period"] = "1.00:00:00",
            ["Reconcile:StatusInterval"] = "00:00:01",
            ["Moodle:RetryLimit"] = "0",
        });
        await using var service = await TestService.StartAsync(env);
        var (valid, validBody) = BridgeBody.Of(DlqTestKit.Course(41, "Course v1", "v1", 1_788_000_000, 1) with { Site = moodle.BaseUrl });
        await DlqTestKit.PublishAsync(env, [(valid, validBody, "v1"), InvalidMessages.Of("b1")]);
        await env.WaitForHandledAsync(2, service);

        var metrics = service.Services.GetRequiredService<SyncMetrics>();
        metrics.Notifications(NotificationOutcomes.CallFailed, 1);
        metrics.TransportError("endpoint_faulted");
        metrics.NotificationRequestRefused(NotificationRequestRefusals.Differs);
        service.Services.GetRequiredService<ReconcileMetrics>().Course("repaired", [(MirrorCollection.Modules, "missing")]);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Budget;
        List<string> missing;
        while (true)
        {
            // The queue gauges come with the first read of the broker, the site's once the start-up check answered.
            var exposed = new PrometheusText(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
            missing = used.Where(name => !PrometheusOwn.Contains(name) && !exposed.Has(name)).ToList();
            if (missing.Count == 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }

        Assert.True(missing.Count == 0, $"used but not on /metrics: {string.Join(", ", missing)}");
    }

    /// <summary>The metric names in PromQL text: identifiers that are not functions, keywords, labels or durations.</summary>
    public static SortedSet<string> MetricsIn(string text) =>
        new(Name().Matches(text).Select(m => m.Value), StringComparer.Ordinal);

    [GeneratedRegex(@"\b(?:mofa_sync|process|dotnet)_[a-z_]+\b|\bup\b(?=\{)")]
    private static partial Regex Name();
}
