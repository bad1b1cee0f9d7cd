using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Says when the service has started, when it begins to stop (SIGTERM, Ctrl+C, `run --until-idle`)
/// and when it has stopped: without it a stop left nothing in the log, and a process that vanished
/// looked the same as one that was stopped.
/// </summary>
public sealed class LifetimeLog(IHostApplicationLifetime lifetime, MofaSyncSettings settings, ILogger<LifetimeLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => logger.LogInformation("Started: consuming"));
        lifetime.ApplicationStopping.Register(() => logger.LogInformation(
            "Stopping: no new messages are taken; those in flight have up to {ShutdownTimeout} (Service:ShutdownTimeout)", settings.Service.ShutdownTimeout));
        lifetime.ApplicationStopped.Register(() => logger.LogInformation("Stopped"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
