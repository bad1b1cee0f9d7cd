using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The reconcile agent since the start: courses reconciled, with drift, failed. Degraded while the
/// last course reconciled failed (Moodle down, a token refused); a later success clears it. Never
/// unhealthy: reconciling waits and retries, the events keep being applied.
/// </summary>
public sealed class ReconcileHealthCheck(ReconcileMetrics metrics, SecretRedactor redactor) : IHealthCheck
{
    public const string Name = "reconcile";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{metrics.Done} course(s) reconciled, {metrics.CoursesWithDrift} with drift, {metrics.Failed} failed read(s)");
        return Task.FromResult(metrics.LastFailure is { } last
            ? HealthCheckResult.Degraded($"{text}; the last one failed: {redactor.Redact(last)}")
            : HealthCheckResult.Healthy(text));
    }
}
