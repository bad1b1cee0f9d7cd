using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The JSON body of /health/ready (and /health/live), also what `mofa-sync health --json` prints:
/// an overall status and one entry per check (its status and a one-line description, never an
/// exception's stack trace). Three states: Healthy (ready), Degraded (ready, but some work fails:
/// a Moodle site, the notifications, the store's writes, the last reconcile) and Unhealthy (not
/// ready: the broker or the store is away, or the service is starting or stopping).
/// </summary>
public sealed record HealthReportDocument(string Status, IReadOnlyList<HealthReportDocument.Check> Checks)
{
    public sealed record Check(string Name, string Status, string? Description, double DurationMs);

    /// <summary>MassTransit's bus check (its default name).</summary>
    public const string BusCheck = "masstransit-bus";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Read by people and scripts, never embedded in HTML: ' " + as they are, not \u0027.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Ready (HTTP 200) when healthy or degraded: the events are consumed and applied.</summary>
    [JsonIgnore]
    public bool IsReady => Status is nameof(HealthStatus.Healthy) or nameof(HealthStatus.Degraded);

    [JsonIgnore]
    public bool IsDegraded => Status == nameof(HealthStatus.Degraded);

    /// <summary>The word the command prints and the docs use: ready, degraded or unhealthy.</summary>
    [JsonIgnore]
    public string State => IsDegraded ? "degraded" : IsReady ? "ready" : "unhealthy (not ready)";

    public static HealthReportDocument From(HealthReport report, SecretRedactor redactor)
    {
        var checks = report.Entries
            .Select(e => new Check(e.Key, StatusOf(e.Key, e.Value.Status).ToString(), e.Value.Description is { } d ? redactor.Redact(d) : null,
                Math.Round(e.Value.Duration.TotalMilliseconds, 1)))
            .ToList();
        var overall = checks.Count == 0 ? HealthStatus.Healthy : checks.Min(c => Enum.Parse<HealthStatus>(c.Status));
        return new HealthReportDocument(overall.ToString(), checks);
    }

    /// <summary>
    /// MassTransit reports its bus Degraded while the broker is away and the endpoints reconnect:
    /// nothing is consumed then, so here that is Unhealthy (not ready), not a degraded service.
    /// </summary>
    private static HealthStatus StatusOf(string check, HealthStatus status) =>
        check == BusCheck && status == HealthStatus.Degraded ? HealthStatus.Unhealthy : status;

    public static HealthReportDocument Unhealthy(string check, string description) =>
        new(nameof(HealthStatus.Unhealthy), [new Check(check, nameof(HealthStatus.Unhealthy), description, 0)]);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static HealthReportDocument? Parse(string json) => JsonSerializer.Deserialize<HealthReportDocument>(json, Json);
}
