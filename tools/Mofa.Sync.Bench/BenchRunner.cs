using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Agents.Configuration;
using Mofa.Sync.Mirror;
using Mofa.Sync.Agents.Notifications;
using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Bench;

/// <summary>
/// One bench run, on its own exchange, queues and database (deleted afterwards), in phases:
/// <list type="number">
/// <item>publish the backlog of N generated messages; the raw RabbitMQ.Client consumer takes them (the ceiling);</item>
/// <item>publish the same backlog again; a child process with the agents' MassTransit endpoints and a consumer
/// that does nothing takes it (the MassTransit floor: what MassTransit alone leaves of the ceiling);</item>
/// <item>publish the same backlog again; the service, a child process, takes it (the service's rate);</item>
/// <item>a steady offered load on the running service: publish-to-applied latency;</item>
/// <item>the service's peak resident memory, and a check that the mirror holds every generated document.</item>
/// </list>
/// The rates are measured from the first message handled to the last, from a full backlog, so the
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
            Drain floor;
            await using (var publisher = await BenchPublisher.ConnectAsync(rabbit, ct))
            {
                progress("publishing the backlog for the raw consumer");
                await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
                progress("the ceiling: raw RabbitMQ.Client consume");
                var brokerBefore = ProcessCpu.Of(broker);
                ceiling = await RawCeilingConsumer.ConsumeAsync(rabbit, backlog.Count, DrainLimit(backlog.Count), ct);
                brokerCeilingCpu = ProcessCpu.PerEventMicros(brokerBefore, ProcessCpu.Of(broker), backlog.Count);
                progress("publishing the backlog for the MassTransit floor");
                await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
                progress("the MassTransit floor: the agents' endpoints, a consumer that returns at once");
                floor = await MassTransitFloorAsync(benchSettings, rabbit, backlog.Count, broker, ct);
                progress("publishing the backlog for the service");
                publishRate = await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
            }

            progress("the service: consume, validate, apply, commit, ack");
            await using var service = await ServiceProcess.StartAsync(benchSettings, configFile, TimeSpan.FromSeconds(60));
            var drained = await DrainAsync(service, "the service", backlog.Count, broker, ct);
            var cpu = new BenchCpu(drained.Cpu, drained.BrokerCpu, brokerCeilingCpu, floor.Cpu, floor.BrokerCpu);

            progress($"latency: {options.LatencyRate:#,0} events/s for {options.LatencySeconds:0} s");
            await service.TakeLatenciesAsync();
            double offered;
            await using (var publisher = await BenchPublisher.ConnectAsync(rabbit, ct))
            {
                offered = await publisher.PublishSteadyAsync(steady, options.LatencyRate, ct);
            }

            var (handled, _, _, deliveries) = await WaitForHandledAsync(service, "the service", backlog.Count + steady.Count, ct);
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
                    rabbit.PrefetchCount, rabbit.ConcurrentMessageLimit, Notifications: !options.WithoutNotifications,
                    rabbit.QueueType.ToString(), rabbit.Nodes().Count),
                Machine = new BenchMachine(Environment.ProcessorCount, loadBefore, BenchMachine.LoadAverage()),
                PublishPerSecond = Math.Round(publishRate),
                CeilingPerSecond = Math.Round(ceiling),
                FloorPerSecond = Math.Round(floor.PerSecond),
                ServicePerSecond = Math.Round(drained.PerSecond),
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

    /// <summary>A child's rate over a full backlog, first message handled to last, and the CPU per event of the child and the broker meanwhile (after the child's start-up).</summary>
    private sealed record Drain(double PerSecond, double? Cpu, double? BrokerCpu);

    private static async Task<Drain> DrainAsync(ServiceProcess child, string name, int count, int? broker, CancellationToken ct)
    {
        var (childBefore, brokerBefore) = (ProcessCpu.Of(child.Id), ProcessCpu.Of(broker));
        var (_, first, last, _) = await WaitForHandledAsync(child, name, count, ct);
        return new Drain(
            (count - 1) / TimeSpan.FromTicks(Math.Max(1, last - first)).TotalSeconds,
            ProcessCpu.PerEventMicros(childBefore, ProcessCpu.Of(child.Id), count),
            ProcessCpu.PerEventMicros(brokerBefore, ProcessCpu.Of(broker), count));
    }

    /// <summary>The floor child drains the backlog and stops; the agent queues must then be empty, or the service phase would start on leftovers.</summary>
    private async Task<Drain> MassTransitFloorAsync(Dictionary<string, string> benchSettings, RabbitMqOptions rabbit, int count, int? broker, CancellationToken ct)
    {
        var floorSettings = new Dictionary<string, string>(benchSettings, StringComparer.OrdinalIgnoreCase) { [MassTransitFloor.Key] = "true" };
        Drain floor;
        await using (var child = await ServiceProcess.StartAsync(floorSettings, configFile, TimeSpan.FromSeconds(60)))
        {
            floor = await DrainAsync(child, "the MassTransit floor", count, broker, ct);
            await child.StopAsync(TimeSpan.FromSeconds(60));
        }

        await WaitForEmptyAgentQueuesAsync(rabbit, ct);
        return floor;
    }

    private static async Task WaitForEmptyAgentQueuesAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var inspector = await QueueInspector.ConnectAsync(rabbit, ct);
        var queues = Enum.GetValues<SyncAgent>().Select(a => BridgeRoutes.QueueName(rabbit.QueuePrefix, a)).ToList();
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (true)
        {
            var states = new List<QueueInspector.QueueState>();
            foreach (var queue in queues) states.Add(await inspector.InspectAsync(queue, ct));

            // Deliveries a consumer still held come back to the queue only when its channel is gone.
            if (states.All(s => s.Consumers == 0))
            {
                var left = states.Sum(s => (long)s.Messages);
                if (left == 0) return;
                throw new InvalidOperationException($"{left:#,0} messages were left in the agent queues after the MassTransit floor");
            }

            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("the MassTransit floor's consumers were still on the agent queues 30 s after it stopped");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<(long Handled, long First, long Last, long Deliveries)> WaitForHandledAsync(ServiceProcess service, string name, int count, CancellationToken ct)
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
                throw new TimeoutException($"{name} handled only {status.Handled:#,0} of {count:#,0} messages (no progress for {Stopwatch.GetElapsedTime(lastProgress).TotalSeconds:0} s). Its last lines:{Environment.NewLine}{service.LogTail()}");
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
