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
        using var host = SyncHostBuilder.Build(configuration, settings);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mofa.Sync");
        logger.LogInformation("Starting: broker {Broker}, exchange {Exchange}, store {Store}",
            settings.RabbitMq, settings.RabbitMq.Exchange, settings.Store.Kind);
        var sites = host.Services.GetRequiredService<Mofa.Sync.Consumers.Sites.MoodleSites>();
        logger.LogInformation("Moodle sites: {Sites}", sites.AreConfigured
            ? string.Join(", ", sites.All.Select(s => s.HasToken ? s.Url : s.Url + " (no token: notifications not sent)"))
            : "none configured (every site is mirrored, notifications are not sent)");
        await host.StartAsync(cancellationToken);

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

        await host.StopAsync(CancellationToken.None);
        return 0;
    }
}
