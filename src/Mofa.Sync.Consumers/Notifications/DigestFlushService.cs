using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The digest window without a delayed-message plugin: the window lives in the store, and every
/// Notifications:FlushInterval (or at once when nudged: a digest with a zero window was just
/// recorded) this service sends a DeliverDigest to the notification queue for each digest whose
/// window has closed, at most Notifications:MaxDigestsPerSecond of them a second, then marks them
/// dispatched. A crash between the two sends them again later; the delivery records make the
/// second delivery a no-op. Several instances may flush the same digest: likewise harmless.
/// </summary>
public sealed class DigestFlushService(
    INotificationStore store,
    ISendEndpointProvider sendEndpoints,
    NotificationOptions options,
    Uri notificationQueue,
    ILogger<DigestFlushService> logger) : BackgroundService
{
    // At most one nudge waits: any number of them before the next flush ask for the same flush.
    private readonly SemaphoreSlim _nudged = new(0, 1);

    /// <summary>Asks for a flush now rather than at the next interval.</summary>
    public void Nudge()
    {
        try
        {
            _nudged.Release();
        }
        catch (SemaphoreFullException)
        {
            // A flush is asked for already.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: the flush of the next start finds the digest due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _nudged.WaitAsync(options.FlushInterval, stoppingToken);
                // Runs until nothing is due, a second's worth at a time, so a burst is paced rather
                // than sent at once or left for the next interval.
                while (await FlushAsync(stoppingToken) == options.MaxDigestsPerSecond)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Digest flush failed, will retry in {Interval}: {Message}", options.FlushInterval, ex.Message);
            }
        }
    }

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var due = await store.DueDigestsAsync(DateTimeOffset.UtcNow, options.MaxDigestsPerSecond, ct);
        if (due.Count == 0) return 0;

        var endpoint = await sendEndpoints.GetSendEndpoint(notificationQueue);
        // Bounded as the agents' publish is (NotificationSink.PublishTimeout): a send waiting on a
        // lost connection holds its channel's publish lock, and the client cannot shut that channel
        // down (so nothing reconnects) until the send gives up. Timed out, the flush tries again later.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(NotificationSink.PublishTimeout);
        await Task.WhenAll(due.Select(digestId => endpoint.Send(new DeliverDigest(digestId), timeout.Token)));
        // One write for the whole flush: sent and not yet marked (a crash in between) means sent again later.
        await store.MarkDispatchedAsync(due, DateTimeOffset.UtcNow, ct);

        logger.LogDebug("Flushed {Count} digests", due.Count);
        return due.Count;
    }

    public override void Dispose()
    {
        _nudged.Dispose();
        base.Dispose();
    }
}
