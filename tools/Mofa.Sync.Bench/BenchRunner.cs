using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Mirror;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Bench;

/// <summary>
/// One bench run, on its own exchange, queues and database (deleted afterwards), in phases, each a method below:
/// <list type="number">
/// <item>generate: the backlog of N term-start messages and the steady load after it (<see cref="Generate"/>);</item>
/// <item>ceiling: the backlog published, the raw RabbitMQ.Client consumer takes it (<see cref="CeilingAsync"/>);</item>
/// <item>floor: published again, a child process with the agents' MassTransit endpoints and a consumer
/// that does nothing takes it: what MassTransit alone leaves of the ceiling (<see cref="FloorAsync"/>);</item>
/// <item>service: published again, the service, a child process, takes it (<see cref="DrainAsync"/>);</item>
/// <item>latency: a steady offered load on the running service, publish-to-applied (<see cref="LatencyAsync"/>);</item>
/// <item>memory: the service's peak resident memory (<see cref="MeasuredService.PeakResidentBytes"/>);</item>
/// <item>check: the mirror holds every generated document, no error queue holds a message (<see cref="CheckAsync"/>).</item>
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
        var run = Prepare(options);
        var mix = Generate(options);

        Directory.CreateDirectory(run.Folder);
        try
        {
            await AgentTopology.DeclareAsync(run.Rabbit, ct);
            var broker = ProcessCpu.BrokerPid();
            Ceiling ceiling;
            Drain floor;
            double publishRate;
            await using (var publisher = await BenchPublisher.ConnectAsync(run.Rabbit, ct))
            {
                ceiling = await CeilingAsync(publisher, run.Rabbit, mix.Backlog, options, broker, ct);
                floor = await FloorAsync(publisher, run, mix.Backlog, options, broker, ct);
                progress("publishing the backlog for the service");
                publishRate = await publisher.PublishAllAsync(mix.Backlog, options.PublishInFlight, null, ct);
            }

            progress("the service: consume, validate, apply, commit, ack");
            await using var service = await MeasuredService.StartAsync(run.Settings, configFile, TimeSpan.FromSeconds(60));
            var drained = await DrainAsync(service, "the service", mix.Backlog.Count, broker, ct);
            var steady = await LatencyAsync(service, run.Rabbit, mix, options, ct);
            var peak = service.PeakResidentBytes();
            var notificationsWaiting = await NotificationBacklogAsync(run.Rabbit, ct);
            await service.StopAsync(TimeSpan.FromSeconds(60));
            if (steady.Deliveries > steady.Handled) progress($"{steady.Deliveries - steady.Handled:#,0} messages were consumed more than once (retried or redelivered)");

            var mirror = await CheckAsync(run, mix, steady, ct);
            return new BenchReport
            {
                Events = options.Events,
                Seed = options.Seed,
                Mix = mix.Backlog.GroupBy(m => m.RoutingKey + (m.WritesStore ? "" : " (ignored)")).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
                Setup = new BenchSetup(run.Service.Store.Kind.ToString(), run.Service.Store.Sqlite.Synchronous.ToString(), run.Service.Store.Sqlite.MaxBatch,
                    run.Rabbit.PrefetchCount, run.Rabbit.ConcurrentMessageLimit, Notifications: !options.WithoutNotifications,
                    run.Rabbit.QueueType.ToString(), run.Rabbit.Nodes().Count),
                Machine = new BenchMachine(Environment.ProcessorCount, loadBefore, BenchMachine.LoadAverage()),
                PublishPerSecond = Math.Round(publishRate),
                CeilingPerSecond = Math.Round(ceiling.PerSecond),
                FloorPerSecond = Math.Round(floor.PerSecond),
                ServicePerSecond = Math.Round(drained.PerSecond),
                OfferedPerSecond = Math.Round(steady.Offered),
                Latency = steady.Latency,
                LatencySplit = steady.LatencySplit,
                Tail = steady.Tail,
                CpuMicrosPerEvent = new BenchCpu(drained.Cpu, drained.BrokerCpu, ceiling.BrokerCpu, floor.Cpu, floor.BrokerCpu),
                PeakResidentMb = peak is { } bytes ? Math.Round(bytes / 1024.0 / 1024.0, 1) : null,
                Mirror = mirror,
                NotificationsWaiting = notificationsWaiting,
                TotalSeconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1),
            };
        }
        finally
        {
            await AgentTopology.DeleteAsync(run.Rabbit);
            try
            {
                Directory.Delete(run.Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The run's own exchange, queues and database, on top of the user's settings.</summary>
    private sealed record BenchRun(string Folder, Dictionary<string, string> Settings, MofaSyncSettings Service)
    {
        public RabbitMqOptions Rabbit => Service.RabbitMq;
    }

    private BenchRun Prepare(BenchOptions options)
    {
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
        return new BenchRun(folder, benchSettings, settings);
    }

    /// <summary>Phase 1: the generated messages, the backlog then the steady load, and what they should leave in the mirror.</summary>
    private sealed record GeneratedMix(IReadOnlyList<BenchMessage> Backlog, IReadOnlyList<BenchMessage> Steady, MixTotals Totals);

    private GeneratedMix Generate(BenchOptions options)
    {
        progress($"generating {options.Events:#,0} + {options.LatencyEvents:#,0} messages (seed {options.Seed})");
        var mix = new TermStartMix(options.Seed);
        var backlog = mix.Next(options.Events);
        var steady = mix.Next(options.LatencyEvents);
        return new GeneratedMix(backlog, steady, mix.Totals);
    }

    /// <summary>Phase 2: the raw RabbitMQ.Client consumer's rate on the backlog, and the broker's CPU per event meanwhile.</summary>
    private sealed record Ceiling(double PerSecond, double? BrokerCpu);

    private async Task<Ceiling> CeilingAsync(BenchPublisher publisher, RabbitMqOptions rabbit, IReadOnlyList<BenchMessage> backlog, BenchOptions options, int? broker, CancellationToken ct)
    {
        progress("publishing the backlog for the raw consumer");
        await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
        progress("the ceiling: raw RabbitMQ.Client consume");
        var brokerBefore = ProcessCpu.Of(broker);
        var perSecond = await RawCeilingConsumer.ConsumeAsync(rabbit, backlog.Count, DrainLimit(backlog.Count), ct);
        return new Ceiling(perSecond, ProcessCpu.PerEventMicros(brokerBefore, ProcessCpu.Of(broker), backlog.Count));
    }

    /// <summary>Phase 3: the MassTransit floor, the agents' endpoints with a consumer that returns at once.</summary>
    private async Task<Drain> FloorAsync(BenchPublisher publisher, BenchRun run, IReadOnlyList<BenchMessage> backlog, BenchOptions options, int? broker, CancellationToken ct)
    {
        progress("publishing the backlog for the MassTransit floor");
        await publisher.PublishAllAsync(backlog, options.PublishInFlight, null, ct);
        progress("the MassTransit floor: the agents' endpoints, a consumer that returns at once");
        return await MassTransitFloorAsync(run.Settings, run.Rabbit, backlog.Count, broker, ct);
    }

    /// <summary>Phase 5: a steady offered load on the running service; what it handled and its publish-to-applied latency.</summary>
    private sealed record SteadyLoad(double Offered, long Handled, long Deliveries, LatencySummary Latency, LatencySplit LatencySplit, BenchTail Tail);

    private async Task<SteadyLoad> LatencyAsync(MeasuredService service, RabbitMqOptions rabbit, GeneratedMix mix, BenchOptions options, CancellationToken ct)
    {
        progress($"latency: {options.LatencyRate:#,0} events/s for {options.LatencySeconds:0} s");
        await service.TakeLatenciesAsync();
        var backlogTail = await service.TakeTailAsync();
        double offered;
        await using (var publisher = await BenchPublisher.ConnectAsync(rabbit, ct))
        {
            offered = await publisher.PublishSteadyAsync(mix.Steady, options.LatencyRate, ct);
        }

        var (handled, _, _, deliveries) = await WaitForHandledAsync(service, "the service", mix.Backlog.Count + mix.Steady.Count, ct);
        var (latency, split) = await service.TakeLatenciesAsync();
        return new SteadyLoad(offered, handled, deliveries, latency, split, new BenchTail(backlogTail, await service.TakeTailAsync()));
    }

    /// <summary>Phase 7: the mirror holds every generated document and no message went to an error queue.</summary>
    private async Task<MirrorCheck> CheckAsync(BenchRun run, GeneratedMix mix, SteadyLoad steady, CancellationToken ct)
    {
        progress("checking the mirror");
        return new MirrorCheck(mix.Backlog.Count + mix.Steady.Count, steady.Handled, steady.Deliveries, mix.Totals,
            await CountMirrorAsync(run.Service, ct), await ErrorQueueMessagesAsync(run.Rabbit, ct));
    }

    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>A safety limit, not a measurement: generous enough for a loaded machine.</summary>
    private static TimeSpan DrainLimit(int count) => TimeSpan.FromSeconds(Math.Max(120, count / 300.0));

    /// <summary>A child's rate over a full backlog, first message handled to last, and the CPU per event of the child and the broker meanwhile (after the child's start-up).</summary>
    private sealed record Drain(double PerSecond, double? Cpu, double? BrokerCpu);

    private static async Task<Drain> DrainAsync(MeasuredService child, string name, int count, int? broker, CancellationToken ct)
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
        await using (var child = await MeasuredService.StartAsync(floorSettings, configFile, TimeSpan.FromSeconds(60)))
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
        var queues = QueueNames.Agents(rabbit.QueuePrefix);
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

    private static async Task<(long Handled, long First, long Last, long Deliveries)> WaitForHandledAsync(MeasuredService service, string name, int count, CancellationToken ct)
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
        return (await inspector.InspectAsync(QueueNames.Notifications(rabbit.QueuePrefix), ct)).Messages;
    }

    private static async Task<long> ErrorQueueMessagesAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var inspector = await QueueInspector.ConnectAsync(rabbit, ct);
        long total = 0;
        foreach (var queue in QueueNames.Agents(rabbit.QueuePrefix))
        {
            total += (await inspector.InspectAsync(QueueNames.ErrorOf(queue), ct)).Messages;
        }

        return total;
    }
}
