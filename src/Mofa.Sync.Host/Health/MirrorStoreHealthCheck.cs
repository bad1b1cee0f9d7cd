using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Host.Health;

/// <summary>Part of readiness: the mirror store answers a trivial query (IMirrorStore.PingAsync).</summary>
public sealed class MirrorStoreHealthCheck(IMirrorStore store, SecretRedactor redactor) : IHealthCheck
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
            return HealthCheckResult.Healthy($"{store.Kind} reachable");
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
    }
}
