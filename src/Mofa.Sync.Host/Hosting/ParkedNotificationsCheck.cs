using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Health;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// At start, counts the digests already parked in the notifications' _error queue (by an earlier run):
/// the health signal of the notifications is what this process sees, and without this a restart
/// would report healthy notifications while digests wait there for a replay. A warning says so; the
/// next delivery that succeeds clears the signal, as for a digest parked by this process.
/// </summary>
public sealed class ParkedNotificationsCheck(MofaSyncSettings settings, HealthSignals signals, ILogger<ParkedNotificationsCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = QueueNames.ErrorOf(QueueNames.Notifications(settings.RabbitMq.QueuePrefix));
        try
        {
            await using var inspector = await QueueInspector.ConnectAsync(settings.RabbitMq, stoppingToken);
            var state = await inspector.InspectAsync(queue, stoppingToken);
            if (state.Messages == 0) return;
            var text = $"{state.Messages} digest(s) were already parked in {queue} at start; once the cause is fixed: {NotificationsHealthCheck.ReplayCommand}";
            signals.Notifications.Failed(text);
            logger.LogWarning("{Count} digest(s) wait in {Queue} for a replay: {Command}", state.Messages, queue, NotificationsHealthCheck.ReplayCommand);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The bus reports a broker that cannot be reached; this count is only a hint.
            logger.LogDebug("Could not count the digests parked in {Queue}: {Message}", queue, ex.Message);
        }
    }
}
