using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The teachers' notifications: degraded while the last digest sent to Moodle failed and was parked
/// in the notifications' _error queue; a later delivery clears it. The parked digests stay parked
/// until replayed, which the description says how to do.
/// </summary>
public sealed class NotificationsHealthCheck(HealthSignals signals, SecretRedactor redactor) : IHealthCheck
{
    public const string Name = "notifications";

    public const string ReplayCommand = "mofa-sync dlq replay notifications";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signals.Notifications.Current is { } failing
            ? HealthCheckResult.Degraded($"digests are being parked: {HealthText.Failure(failing, redactor)}; once the cause is fixed: {ReplayCommand}")
            : HealthCheckResult.Healthy(signals.Notifications.EverSucceeded ? "the last digest was delivered" : "no digest sent since the start"));
}
