using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Bench;

/// <summary>
/// The benchmarked service, in its own process (`mofa-sync-bench --service-child`, started by
/// <see cref="MeasuredService"/>): the composition of `mofa-sync run` (SyncHostBuilder.Build) plus
/// the <see cref="AppliedObserver"/>, answering the bench's questions on stdin/stdout; or, with
/// `Bench:Floor=true`, the <see cref="MassTransitFloor"/> with the same observer. Protocol lines
/// start with <see cref="Prefix"/>; the service's own log lines go to the same stdout and are skipped.
/// </summary>
public static class BenchServiceChild
{
    public const string Prefix = "@bench ";

    /// <summary>Setting (diagnostic only): the agents record no change in the outbox (so no notification is published), to show what notifications cost.</summary>
    public const string WithoutNotificationsKey = "Bench:WithoutNotifications";

    public static async Task<int> RunAsync(IConfiguration configuration, MofaSyncSettings settings)
    {
        var observer = new AppliedObserver();
        using var tail = new ServiceTailListener();
        var withoutNotifications = string.Equals(configuration[WithoutNotificationsKey], "true", StringComparison.OrdinalIgnoreCase);
        using var host = MassTransitFloor.IsRequested(configuration)
            ? MassTransitFloor.Build(configuration, settings, observer)
            : SyncHostBuilder.Build(configuration, settings, services =>
            {
                services.AddConsumeObserver(_ => observer);
                if (!withoutNotifications) return;
                // Registered last, so it wins over the change outbox the service gives its store adapter.
                services.AddSingleton(ChangeOutboxSettings.Off);
            });
        await host.StartAsync();
        Say("ready");

        // SIGTERM stops the host; the loop must not keep waiting for the bench's next line then.
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        while (await ReadCommandAsync(stopping) is { } command)
        {
            switch (command.Trim())
            {
                case "status":
                    Say($"status {observer.Applied} {observer.FirstTicks} {observer.LastTicks} {observer.Deliveries}");
                    break;
                case "latencies":
                    Say("latencies " + LatencySummary.ToLine(observer.TakeLatencies()));
                    break;
                case "tail":
                    Say("tail " + tail.Take().ToLine());
                    break;
                case "stop":
                    await host.StopAsync();
                    Say("stopped");
                    return 0;
                default:
                    Say($"unknown {command}");
                    break;
            }
        }

        // The bench went away without saying stop, or the process was told to stop.
        await host.StopAsync();
        return 0;
    }

    private static async Task<string?> ReadCommandAsync(CancellationToken stopping)
    {
        var read = Console.In.ReadLineAsync(CancellationToken.None).AsTask();
        var done = await Task.WhenAny(read, Task.Delay(Timeout.Infinite, stopping));
        return done == read ? await read : null;
    }

    private static void Say(string line)
    {
        Console.Out.WriteLine(Prefix + line);
        Console.Out.Flush();
    }
}
