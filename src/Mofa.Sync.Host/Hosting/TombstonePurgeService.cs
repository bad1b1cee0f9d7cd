using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Host.Hosting;

/// <summary>Purges tombstones (and profiles no teacher role backs) older than Store:TombstoneRetention, every Store:PurgeInterval.</summary>
public sealed class TombstonePurgeService(IMirrorStore store, StoreOptions options, ILogger<TombstonePurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PurgeInterval);
        do
        {
            try
            {
                var purged = await store.PurgeTombstonesAsync(DateTimeOffset.UtcNow - options.TombstoneRetention, stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} expired tombstones and unbacked profiles", purged);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Tombstone purge failed, will retry in {Interval}: {Message}", options.PurgeInterval, ex.Message);
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    /// <summary>False when the service is stopping (instead of the exception a stopping host would log as a failure).</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
