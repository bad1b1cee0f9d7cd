using Mofa.Sync.Tests.Contracts;
using Xunit;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// deploy/prometheus/mofa-sync.rules.yml as Prometheus itself reads it: promtool checks it, and runs
/// its unit tests (mofa-sync.rules.test.yml: synthetic series for every alert, firing when it should
/// and silent when it should not).
/// </summary>
public sealed class AlertRulesTests
{
    public static readonly string RulesFile = RepoPaths.Of("deploy/prometheus/mofa-sync.rules.yml");
    public static readonly string RulesTestFile = RepoPaths.Of("deploy/prometheus/mofa-sync.rules.test.yml");
    public static readonly string DashboardFile = RepoPaths.Of("deploy/grafana/mofa-sync.json");

    /// <summary>The PromQL of every panel of the Grafana dashboard.</summary>
    public static IReadOnlyList<string> DashboardQueries()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(DashboardFile));
        return json.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
    }

    private static readonly TimeSpan ToolBudget = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task Promtool_accepts_the_rules()
    {
        Skip.IfNot(PrometheusTools.Installed, PrometheusTools.SkipReason);

        var (exit, output) = await PrometheusTools.RunAsync(PrometheusTools.Promtool!, ["check", "rules", RulesFile], ToolBudget);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [SkippableFact]
    public async Task Every_alert_fires_when_it_should_and_stays_silent_when_it_should_not()
    {
        Skip.IfNot(PrometheusTools.Installed, PrometheusTools.SkipReason);

        var (exit, output) = await PrometheusTools.RunAsync(PrometheusTools.Promtool!, ["test", "rules", RulesTestFile], ToolBudget, Path.GetDirectoryName(RulesTestFile));

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    /// <summary>Each panel's query as a recording rule, which promtool parses as Prometheus does.</summary>
    [SkippableFact]
    public async Task Every_dashboard_query_is_PromQL_that_Prometheus_accepts()
    {
        Skip.IfNot(PrometheusTools.Installed, PrometheusTools.SkipReason);
        var queries = DashboardQueries();
        Assert.True(queries.Count >= 20, $"only {queries.Count} queries in the dashboard");
        var file = Path.Combine(Path.GetTempPath(), $"mofa-sync-dashboard-{Guid.NewGuid():N}.rules.yml");
        var rules = queries.Select((q, i) => $"      - record: dashboard:query_{i}\n        expr: {System.Text.Json.JsonSerializer.Serialize(q)}\n");
        await File.WriteAllTextAsync(file, "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(rules));
        try
        {
            var (exit, output) = await PrometheusTools.RunAsync(PrometheusTools.Promtool!, ["check", "rules", file], ToolBudget);

            Assert.True(exit == 0, output);
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_alert_has_a_unit_test_a_summary_a_severity_and_a_runbook_section()
    {
        var rules = File.ReadAllText(RulesFile);
        var tests = File.ReadAllText(RulesTestFile);
        var operations = File.ReadAllText(RepoPaths.Of("docs/operations.md"));
        var alerts = System.Text.RegularExpressions.Regex.Matches(rules, @"- alert: (\w+)").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(alerts);
        Assert.Equal(alerts.Count, System.Text.RegularExpressions.Regex.Count(rules, @"\n\s+severity: (warning|critical)\n"));
        Assert.Equal(alerts.Count, System.Text.RegularExpressions.Regex.Count(rules, @"\n\s+summary: "));
        foreach (var alert in alerts)
        {
            // A firing expectation, not only a silent one.
            Assert.Matches($@"alertname: {alert}\n\s+exp_alerts:\n\s+- exp_labels", tests);
            Assert.Contains($"runbook_url: \"docs/operations.md#{alert.ToLowerInvariant()}\"", rules);
            Assert.Contains($"\n### {alert}\n", operations);
        }
    }
}
