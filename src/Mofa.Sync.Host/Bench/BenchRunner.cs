using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Bench;

/// <summary>
/// One bench run, on its own exchange, queues and database (deleted afterwards), in phases:
/// <list type="number">
/// <item>publish the backlog of N generated messages; the raw RabbitMQ.Client consumer takes them (the ceiling);</item>
/// <item>publish the same backlog again; the service, a child process, takes it (the service's rate);</item>
/// <item>a steady offered load on the running service: publish-to-applied latency;</item>
/// <item>the service's peak resident memory, and a check that the mirror holds every generated document.</item>
/// </list>
/// Both rates are measured from the first message handled to the last, from a full backlog, so the
/// publisher's speed does not enter them.
/// </summary>
public sealed class BenchRunner(IConfiguration baseConfiguration, IReadOnlyDictionary<string, string> userSettings, string? configFile, Action<string> progress)
{
    public async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var loadBefore = BenchMachine.LoadAverage();
        var id = Guid.NewGuid().ToString("N")[..10];
        var folder = Path.Combine(Path.GetTempPath(), "mofa-sync-bench", id);
        var benchSettings = new Dictionary<string, string>(userSettings, StringComparer.OrdinalIgnoreCase)
        {
            ["RabbitMq:Exchange"] = $"bench-{id}.moodle.events",
            ["RabbitMq:QueuePrefix"] = $"bench-{id}",
            ["Store:Sqlite:Path"] = Path.Combine(folder, "mirror.db"),
            ["Store:MongoDb:Database"] = $"mofa_bench_{id}",
            // No health endpoint: port 8080 may belong to a service running beside the bench.
            ["Service:HealthPort"] = "0",
        };
        if (options.WithoutNotifications) benchSettings[BenchServiceChild.WithoutNotificationsKey] = "true";
        var settings = MofaSyncSettings.Bind(new ConfigurationBuilder()
            .AddConfiguration(baseConfiguration)
            .AddInMemoryCollection(benchSettings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            .Build());
        var rabbit = settings.RabbitMq;

        progress($"generating {options.Events:#,0} + {options.LatencyEvents:#,0} messages (seed {options.Seed})");
        var mix = new TermStartMix(options.Seed);
        var backlog = mix.Next(options.Events);
        var steady = mix.Next(options.LatencyEvents);
        var totals = mix.Totals;

        Directory.CreateDirectory(folder);
        try
        {
            await AgentTopology.DeclareAsync(rabbit, ct);
            double publishRate, ceiling;
            var broker = ProcessCpu.BrokerPid();
            double? brokerCeilingCpu;
            await using (var publisher = await BenchPublisher.ConnectAsync(rabbit, ct))
            {
                progress("publishing the backlog for the raw consumer");
                await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
                progress("the ceiling: raw RabbitMQ.Client consume");
                var brokerBefore = broker is { } b1 ? ProcessCpu.Of(b1) : null;
                ceiling = await RawCeilingConsumer.ConsumeAsync(rabbit, backlog.Count, DrainLimit(backlog.Count), ct);
                brokerCeilingCpu = ProcessCpu.PerEventMicros(brokerBefore, broker is { } b2 ? ProcessCpu.Of(b2) : null, backlog.Count);
                progress("publishing the backlog for the service");
                publishRate = await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
            }

            progress("the service: consume, validate, apply, commit, ack");
            await using var service = await ServiceProcess.StartAsync(benchSettings, configFile, TimeSpan.FromSeconds(60));
            var (serviceBefore, brokerBeforeService) = (ProcessCpu.Of(service.Id), broker is { } b3 ? ProcessCpu.Of(b3) : null);
            var (_, first, last, _) = await WaitForHandledAsync(service, backlog.Count, ct);
            var cpu = new BenchCpu(
                ProcessCpu.PerEventMicros(serviceBefore, ProcessCpu.Of(service.Id), backlog.Count),
                ProcessCpu.PerEventMicros(brokerBeforeService, broker is { } b4 ? ProcessCpu.Of(b4) : null, backlog.Count),
                brokerCeilingCpu);
            var serviceRate = (backlog.Count - 1) / TimeSpan.FromTicks(Math.Max(1, last - first)).TotalSeconds;

            progress($"latency: {options.LatencyRate:#,0} events/s for {options.LatencySeconds:0} s");
            await service.TakeLatenciesAsync();
            double offered;
            await using (var publisher = await BenchPublisher.ConnectAsync(rabbit, ct))
            {
                offered = await publisher.PublishSteadyAsync(steady, options.LatencyRate, ct);
            }

            var (handled, _, _, deliveries) = await WaitForHandledAsync(service, backlog.Count + steady.Count, ct);
            var latency = await service.TakeLatenciesAsync();
            var peak = service.PeakResidentBytes();
            var notificationsWaiting = await NotificationBacklogAsync(rabbit, ct);
            await service.StopAsync(TimeSpan.FromSeconds(60));
            if (deliveries > handled) progress($"{deliveries - handled:#,0} messages were consumed more than once (retried or redelivered)");

            progress("checking the mirror");
            var mirror = new MirrorCheck(backlog.Count + steady.Count, handled, deliveries, totals, await CountMirrorAsync(settings, ct), await ErrorQueueMessagesAsync(rabbit, ct));
            return new BenchReport
            {
                Events = options.Events,
                Seed = options.Seed,
                Mix = backlog.GroupBy(m => m.RoutingKey + (m.WritesStore ? "" : " (ignored)")).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
                Setup = new BenchSetup(settings.Store.Kind.ToString(), settings.Store.Sqlite.Synchronous.ToString(), settings.Store.Sqlite.MaxBatch,
                    rabbit.PrefetchCount, rabbit.ConcurrentMessageLimit, Notifications: !options.WithoutNotifications),
                Machine = new BenchMachine(Environment.ProcessorCount, loadBefore, BenchMachine.LoadAverage()),
                PublishPerSecond = Math.Round(publishRate),
                CeilingPerSecond = Math.Round(ceiling),
                ServicePerSecond = Math.Round(serviceRate),
                OfferedPerSecond = Math.Round(offered),
                Latency = latency,
                CpuMicrosPerEvent = cpu,
                PeakResidentMb = peak is { } bytes ? Math.Round(bytes / 1024.0 / 1024.0, 1) : null,
                Mirror = mirror,
                NotificationsWaiting = notificationsWaiting,
                TotalSeconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1),
            };
        }
        finally
        {
            await AgentTopology.DeleteAsync(rabbit);
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>A safety limit, not a measurement: generous enough for a loaded machine.</summary>
    private static TimeSpan DrainLimit(int count) => TimeSpan.FromSeconds(Math.Max(120, count / 300.0));

    private static async Task<(long Handled, long First, long Last, long Deliveries)> WaitForHandledAsync(ServiceProcess service, int count, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainLimit(count).TotalSeconds * Stopwatch.Frequency);
        var (lastHandled, lastProgress) = (-1L, Stopwatch.GetTimestamp());
        while (true)
        {
            var status = await service.StatusAsync();
            if (status.Handled >= count) return status;
            if (status.Handled != lastHandled) (lastHandled, lastProgress) = (status.Handled, Stopwatch.GetTimestamp());

            // A stall (the shared broker restarted under the service, say) ends the run at once: its figures would mean nothing.
            if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit || Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the service handled only {status.Handled:#,0} of {count:#,0} messages (no progress for {Stopwatch.GetElapsedTime(lastProgress).TotalSeconds:0} s). Its last lines:{Environment.NewLine}{service.LogTail()}");
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task<MixTotals> CountMirrorAsync(MofaSyncSettings settings, CancellationToken ct)
    {
        await using var store = await StoreFactory.OpenAsync(settings, NullLoggerFactory.Instance, ct);
        async Task<int> Live(MirrorCollection c) => (await store.ReadAllAsync(c, ct)).Count(d => !d.Deleted && !d.Placeholder);
        return new MixTotals(await Live(MirrorCollection.Courses), await Live(MirrorCollection.Modules),
            await Live(MirrorCollection.Quizzes), await Live(MirrorCollection.TeacherRoles));
    }

    /// <summary>NotificationRequested messages the service published but had not yet consumed when the bench ended.</summary>
    private static async Task<long> NotificationBacklogAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var inspector = await QueueInspector.ConnectAsync(rabbit, ct);
        return (await inspector.InspectAsync(NotificationTopology.QueueName(rabbit.QueuePrefix), ct)).Messages;
    }

    private static async Task<long> ErrorQueueMessagesAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var inspector = await QueueInspector.ConnectAsync(rabbit, ct);
        long total = 0;
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            total += (await inspector.InspectAsync(BridgeRoutes.QueueName(rabbit.QueuePrefix, agent) + "_error", ct)).Messages;
        }

        return total;
    }
}
