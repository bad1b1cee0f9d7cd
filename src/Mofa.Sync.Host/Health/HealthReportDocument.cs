using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The JSON body of /health/ready (and /health/live), also what `mofa-sync health --json` prints:
/// an overall status and one entry per check (its status and a one-line description, never an
/// exception's stack trace).
/// </summary>
public sealed record HealthReportDocument(string Status, IReadOnlyList<HealthReportDocument.Check> Checks)
{
    public sealed record Check(string Name, string Status, string? Description, double DurationMs);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Only Healthy is ready: MassTransit reports its bus Degraded while the broker is away and
    /// the endpoints are reconnecting, and then nothing is consumed.
    /// </summary>
    [JsonIgnore]
    public bool IsReady => Status == nameof(HealthStatus.Healthy);

    public static HealthReportDocument From(HealthReport report, SecretRedactor redactor) => new(
        report.Status.ToString(),
        report.Entries
            .Select(e => new Check(e.Key, e.Value.Status.ToString(), e.Value.Description is { } d ? redactor.Redact(d) : null,
                Math.Round(e.Value.Duration.TotalMilliseconds, 1)))
            .ToList());

    public static HealthReportDocument Unhealthy(string check, string description) =>
        new(nameof(HealthStatus.Unhealthy), [new Check(check, nameof(HealthStatus.Unhealthy), description, 0)]);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static HealthReportDocument? Parse(string json) => JsonSerializer.Deserialize<HealthReportDocument>(json, Json);
}
