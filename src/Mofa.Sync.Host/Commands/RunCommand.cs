using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Hosting;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync run`: the service. Stops on SIGTERM/Ctrl+C after finishing the messages in flight.</summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--until-idle <SECONDS>")]
        [Description("Exit once the agents' queues are empty and nothing was handled for this many seconds (for demos and scripts)")]
        public double? UntilIdle { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (configuration, settings) = options.Load();
        if (settings.Store.Kind == Settings.StoreKind.Sqlite) Settings.StorePath.CheckUsable(settings.Store.Sqlite.Path);
        var host = SyncHostBuilder.Build(configuration, settings);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mofa.Sync");
        logger.LogInformation("Starting mofa-sync {Version}: broker {Broker}, exchange {Exchange}, store {Store}",
            Mofa.Sync.Consumers.Telemetry.ServiceVersion.Informational, settings.RabbitMq, settings.RabbitMq.Exchange, settings.Store.Kind == Settings.StoreKind.Sqlite ? settings.Store.Sqlite.Path : settings.Store.Kind);
        var sites = host.Services.GetRequiredService<Mofa.Sync.Moodle.MoodleSites>();
        logger.LogInformation("Moodle sites: {Sites}", sites.AreConfigured
            ? string.Join(", ", sites.All.Select(s => s.HasToken ? s.Url : s.Url + " (no token: notifications not sent)"))
            : "none configured (every site is mirrored, notifications are not sent)");
        await StoreFactory.InitializeAsync(host.StartAsync, settings.Store, cancellationToken, sqliteOnly: true);

        if (options.UntilIdle is { } idleSeconds)
        {
            var monitor = host.Services.GetRequiredService<ActivityMonitor>();
            await using var queues = await QueueInspector.ConnectAsync(settings.RabbitMq, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                if (monitor.SinceLast.TotalSeconds >= idleSeconds && await queues.AgentBacklogAsync(settings.RabbitMq.QueuePrefix, cancellationToken) == 0)
                {
                    logger.LogInformation("Idle for {Seconds} s with empty queues after {Handled} messages: stopping", idleSeconds, monitor.Handled);
                    break;
                }
            }
        }
        else
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }

        // Bounded whatever is in flight: the host's timeout cancels the stop, but a part that does
        // not heed the cancellation (a transport reconnecting in a loop) must not keep the process up.
        var stop = host.StopAsync(CancellationToken.None);
        var deadline = settings.Service.ShutdownTimeout + StopGrace;
        if (await Task.WhenAny(stop, Task.Delay(deadline, CancellationToken.None)) != stop)
        {
            logger.LogWarning("Stopping took longer than {Deadline} (Service:ShutdownTimeout + {Grace} s): exiting anyway; unacknowledged messages are redelivered",
                deadline, StopGrace.TotalSeconds);
            return 0;
        }

        await stop;
        host.Dispose();
        return 0;
    }

    /// <summary>Beyond Service:ShutdownTimeout, for the host to log and dispose once its own timeout has fired.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
}
