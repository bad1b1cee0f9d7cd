using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Mofa.Sync.Bench;

/// <summary>The figures of one bench run: printed as a table, written as JSON.</summary>
public sealed record BenchReport
{
    public required int Events { get; init; }
    public required int Seed { get; init; }
    public required IReadOnlyDictionary<string, int> Mix { get; init; }
    public required BenchSetup Setup { get; init; }
    public required BenchMachine Machine { get; init; }

    /// <summary>Publishing the backlog with confirms (the last of the three publishes, the service's).</summary>
    public required double PublishPerSecond { get; init; }

    /// <summary>Raw RabbitMQ.Client: prefetch 200, ack each, no work.</summary>
    public required double CeilingPerSecond { get; init; }

    /// <summary>The MassTransit floor: the agents' endpoints with a consumer that returns at once, so no service can beat it on this bus.</summary>
    public required double FloorPerSecond { get; init; }

    /// <summary>The service: consume, parse and validate, apply, commit, acknowledge.</summary>
    public required double ServicePerSecond { get; init; }

    public double FloorToCeiling => Ratio(FloorPerSecond, CeilingPerSecond);

    public double ServiceToCeiling => Ratio(ServicePerSecond, CeilingPerSecond);

    /// <summary>The part of the gap to the ceiling that is the service's own work, not MassTransit's.</summary>
    public double ServiceToFloor => Ratio(ServicePerSecond, FloorPerSecond);

    public required double OfferedPerSecond { get; init; }
    public required LatencySummary Latency { get; init; }

    /// <summary>The latency's two parts: until the consumer starts, and from there to applied.</summary>
    public required LatencySplit LatencySplit { get; init; }

    /// <summary>The service's commits, checkpoints and GC pauses, in the backlog phase and in the latency phase.</summary>
    public required BenchTail Tail { get; init; }

    /// <summary>Peak resident memory of the service process (VmHWM), whole run.</summary>
    public required double? PeakResidentMb { get; init; }

    public required MirrorCheck Mirror { get; init; }

    /// <summary>Messages (digest deliveries) still in the service's notification queue at the end.</summary>
    public required long NotificationsWaiting { get; init; }

    /// <summary>Where the cores went while the service and the floor drained the backlog (after their start-up); other processes on the machine are not counted.</summary>
    public required BenchCpu CpuMicrosPerEvent { get; init; }

    public required double TotalSeconds { get; init; }

    /// <summary>Every event applied, none faulted.</summary>
    public bool Complete => Mirror.Matches && Mirror.ErrorQueueMessages == 0 && Mirror.Handled >= Mirror.Published;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static double Ratio(double part, double whole) => whole > 0 ? Math.Round(part / whole, 3) : 0;

    public Table ToTable()
    {
        static string N(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        static string Micros(double? v) => v?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a";
        var t = new Table().AddColumns("figure", "value");
        t.AddRow("events (seed)", $"{Events:#,0} ({Seed})");
        t.AddRow("store", Markup.Escape($"{Setup.Store}, synchronous {Setup.Synchronous}, max batch {Setup.MaxBatch}"));
        t.AddRow("queues", Markup.Escape($"{Setup.QueueType}, {Setup.BrokerNodes} broker node(s)"));
        t.AddRow("agents", $"prefetch {Setup.PrefetchCount}, concurrent messages {Setup.ConcurrentMessageLimit}"
            + (Setup.Notifications ? "" : ", [yellow]without notifications (diagnostic)[/]"));
        t.AddRow("machine", Markup.Escape($"{Machine.Cores} cores, load {Machine.LoadAverageBefore} before the run"));
        t.AddRow("publish with confirms", $"{N(PublishPerSecond)} /s");
        t.AddRow("ceiling: raw consume, prefetch 200, ack each", $"{N(CeilingPerSecond)} /s");
        t.AddRow("MassTransit floor: agents' endpoints, consumer returns at once", $"{N(FloorPerSecond)} /s");
        t.AddRow("floor / ceiling", $"{FloorToCeiling:P1}");
        t.AddRow("[bold]service: consume, validate, apply, commit, ack[/]", $"[bold]{N(ServicePerSecond)} /s[/]");
        t.AddRow("[bold]service / ceiling[/]", $"[bold]{ServiceToCeiling:P1}[/]");
        t.AddRow("service / floor", $"{ServiceToFloor:P1}");
        t.AddRow($"latency at {N(OfferedPerSecond)} /s offered ({Latency.Count:#,0} store writes)",
            FormattableString.Invariant($"p50 {Latency.P50Ms:0.0} ms, p95 {Latency.P95Ms:0.0} ms, [bold]p99 {Latency.P99Ms:0.0} ms[/], max {Latency.MaxMs:0.0} ms"));
        t.AddRow("latency split", Markup.Escape(LatencySplit.Describe()));
        t.AddRow("service's commits and pauses (backlog phase)", Markup.Escape(Tail.Backlog.Describe()));
        t.AddRow("service's commits and pauses (latency phase)", Markup.Escape(Tail.Latency.Describe()));
        t.AddRow("[bold]peak resident memory of the service[/]", PeakResidentMb is { } mb ? $"[bold]{mb:0} MB[/]" : "n/a (no /proc)");
        t.AddRow("CPU per event (service phase)",
            $"service {Micros(CpuMicrosPerEvent.Service)} µs, broker {Micros(CpuMicrosPerEvent.BrokerServicePhase)} µs (raw consumer phase: {Micros(CpuMicrosPerEvent.BrokerCeilingPhase)} µs)");
        t.AddRow("CPU per event (floor phase)", $"MassTransit floor {Micros(CpuMicrosPerEvent.Floor)} µs, broker {Micros(CpuMicrosPerEvent.BrokerFloorPhase)} µs");
        t.AddRow("mirror", Markup.Escape(Mirror.ToString()));
        t.AddRow("digest deliveries still queued at the end", $"{NotificationsWaiting:#,0}");
        t.AddRow("run time", $"{TotalSeconds:0} s");
        return t;
    }
}

/// <summary>The service's commits, checkpoints and GC pauses while it drained the backlog and while it took the steady load.</summary>
public sealed record BenchTail(ServiceTail Backlog, ServiceTail Latency);

/// <summary>CPU microseconds per event: the service process, and the broker while the service and while the raw consumer ran; the floor's child and the broker while it ran.</summary>

public sealed record BenchCpu(double? Service, double? BrokerServicePhase, double? BrokerCeilingPhase, double? Floor, double? BrokerFloorPhase);

/// <summary>The service's configuration in the run; <see cref="Notifications"/> false only in the diagnostic run without them.</summary>
public sealed record BenchSetup(string Store, string Synchronous, int MaxBatch, int PrefetchCount, int ConcurrentMessageLimit, bool Notifications, string QueueType = "Classic", int BrokerNodes = 1);

public sealed record BenchMachine(int Cores, string LoadAverageBefore, string LoadAverageAfter)
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

/// <summary>What the mirror holds after the run against what the generator produced.</summary>
public sealed record MirrorCheck(long Published, long Handled, long Deliveries, MixTotals Expected, MixTotals Actual, long ErrorQueueMessages)
{
    public bool Matches => Expected == Actual;

    public override string ToString() =>
        $"{Handled:#,0} of {Published:#,0} handled ({Deliveries - Handled:#,0} redelivered); courses {Actual.Courses}/{Expected.Courses}, modules {Actual.Modules}/{Expected.Modules}, " +
        $"quizzes {Actual.QuizzesWithQuestions}/{Expected.QuizzesWithQuestions}, teacher roles {Actual.TeacherRoles}/{Expected.TeacherRoles}; " +
        $"{ErrorQueueMessages} in error queues";
}
