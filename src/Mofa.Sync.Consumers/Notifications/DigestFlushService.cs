using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The digest window without a delayed-message plugin: the window lives in the store, and every
/// Notifications:FlushInterval this service sends a DeliverDigest to the notification queue for
/// each digest whose window has closed, then marks it dispatched. A crash between the two sends it
/// again later; the delivery records make the second delivery a no-op. Several instances may flush
/// the same digest: likewise harmless.
/// </summary>
public sealed class DigestFlushService(
    INotificationStore store,
    ISendEndpointProvider sendEndpoints,
    NotificationOptions options,
    Uri notificationQueue,
    ILogger<DigestFlushService> logger) : BackgroundService
{
    private const int MaxPerFlush = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.FlushInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Digest flush failed, will retry in {Interval}: {Message}", options.FlushInterval, ex.Message);
            }
        }
    }

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var due = await store.DueDigestsAsync(DateTimeOffset.UtcNow, MaxPerFlush, ct);
        if (due.Count == 0) return 0;

        var endpoint = await sendEndpoints.GetSendEndpoint(notificationQueue);
        foreach (var digestId in due)
        {
            await endpoint.Send(new DeliverDigest(digestId), ct);
            await store.MarkDispatchedAsync(digestId, DateTimeOffset.UtcNow, ct);
        }

        logger.LogDebug("Flushed {Count} digests", due.Count);
        return due.Count;
    }
}
