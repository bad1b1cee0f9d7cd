using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Agents.Telemetry;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// A line in the health report about the reconcile agent since the start: courses reconciled, with
/// drift, failed, and the last failure. Always healthy: Moodle being down makes reconciling wait and
/// retry, it does not make the service unready for the events it applies.
/// </summary>
public sealed class ReconcileHealthCheck(ReconcileMetrics metrics, SecretRedactor redactor) : IHealthCheck
{
    public const string Name = "reconcile";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{metrics.Done} course(s) reconciled, {metrics.CoursesWithDrift} with drift, {metrics.Failed} failed read(s)");
        if (metrics.LastFailure is { } last) text += $"; last failure: {redactor.Redact(last)}";
        return Task.FromResult(HealthCheckResult.Healthy(text));
    }
}
