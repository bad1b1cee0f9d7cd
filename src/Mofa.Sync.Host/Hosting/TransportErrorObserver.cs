using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Says, at warning level, when a receive endpoint loses its channel or connection (a broker
/// restart, a closed connection, a frame error) and when it is back, and counts each loss as
/// mofa_sync_transport_errors_total{kind="endpoint_faulted"}. MassTransit's own transport log
/// (MassTransit.ReceiveTransport) is off by default: it repeats every reconnect attempt with a trace.
/// </summary>
public sealed class TransportErrorObserver(SyncMetrics metrics, ILogger<TransportErrorObserver> logger) : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<Uri, bool> _faulted = new();

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (_faulted.TryRemove(ready.InputAddress, out _))
        {
            logger.LogWarning("Receive endpoint {Queue} is consuming again", QueueOf(ready.InputAddress));
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        metrics.TransportError("endpoint_faulted");
        _faulted[faulted.InputAddress] = true;
        logger.LogWarning("Receive endpoint {Queue} lost its broker channel ({Error}: {Message}); it reconnects by itself",
            QueueOf(faulted.InputAddress), faulted.Exception?.GetType().Name ?? "(no exception)", Describe(faulted.Exception));
        return Task.CompletedTask;
    }

    /// <summary>MassTransit's own message and, when it wraps one, the broker's or the client's reason (e.g. FRAME_ERROR).</summary>
    private static string Describe(Exception? exception)
    {
        if (exception is null) return "";
        var inner = exception.GetBaseException();
        return ReferenceEquals(inner, exception) ? exception.Message : $"{exception.Message} — {inner.Message}";
    }

    private static string QueueOf(Uri address) => Uri.UnescapeDataString(address.AbsolutePath).Trim('/');
}
