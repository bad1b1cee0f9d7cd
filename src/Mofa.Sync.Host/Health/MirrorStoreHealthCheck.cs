using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The mirror store: unhealthy when it does not answer a trivial query (IMirrorStore.PingAsync);
/// degraded when it answers but the events' writes fail (a SQLite file locked by another program,
/// a full disk): a ping alone reads fine while every write fails. A later successful write clears it.
/// </summary>
public sealed class MirrorStoreHealthCheck(IMirrorStore store, HealthSignals signals, SecretRedactor redactor) : IHealthCheck
{
    public const string Name = "mirror-store";

    /// <summary>A store that has not answered by then counts as unreachable.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await store.PingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{store.Kind} did not answer within {PingTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message helps the operator (a locked or missing file); a driver's message could quote
            // a connection string, so known secrets are cut out of it.
            return HealthCheckResult.Unhealthy($"{store.Kind} unreachable: {redactor.Redact(ex.Message)}");
        }

        if (signals.StoreWrites.Current is { } failing)
        {
            return HealthCheckResult.Degraded($"{store.Kind} reachable, but writing events fails: {HealthText.Failure(failing, redactor)}");
        }

        return HealthCheckResult.Healthy($"{store.Kind} reachable" + (signals.StoreWrites.EverSucceeded ? ", writes succeed" : ""));
    }
}
