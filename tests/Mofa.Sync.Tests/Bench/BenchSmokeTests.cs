using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Bench;
using Xunit;

namespace Mofa.Sync.Tests.Bench;

/// <summary>
/// `mofa-sync-bench` end to end on a tiny mix, against the real broker, with the service as a
/// child process (and the MassTransit floor as another): every figure is there and every event
/// reached the mirror. No timing assertions.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task A_small_bench_reports_every_figure_and_applies_every_event()
    {
        var settings = new Dictionary<string, string>
        {
            ["RabbitMq:Host"] = Environment.GetEnvironmentVariable("MOFASYNC_TEST_RABBITMQ_HOST") ?? "localhost",
            ["Store:Sqlite:Synchronous"] = "Normal",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddInMemoryCollection(settings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            .Build();
        var runner = new BenchRunner(configuration, settings, configFile: null, progress: _ => { });

        var options = new BenchOptions { Events = 2_000, LatencyRate = 500, LatencySeconds = 2 };
        var report = await runner.RunAsync(options, CancellationToken.None);

        // The latency phase's messages that write the store, from the same seeded mix: each gives one sample, however slow the machine.
        var mix = new TermStartMix(options.Seed);
        mix.Next(options.Events);
        var steadyWrites = mix.Next(options.LatencyEvents).Count(m => m.WritesStore);

        Assert.True(report.Complete, report.Mirror.ToString());
        Assert.Equal(3_000, report.Mirror.Handled);
        Assert.Equal(3_000, report.Mirror.Published);
        Assert.True(report.CeilingPerSecond > 0 && report.ServicePerSecond > 0 && report.PublishPerSecond > 0 && report.OfferedPerSecond > 0,
            report.ToJson());
        Assert.True(report.FloorPerSecond > 0 && report.FloorToCeiling > 0 && report.ServiceToFloor > 0, report.ToJson());
        if (OperatingSystem.IsLinux())
        {
            // Read from /proc for both children. Their value is not checked: /proc counts CPU in 10 ms
            // ticks, and a phase of 2,000 events can fit in one tick (or none) on a fast machine.
            Assert.True(report.CpuMicrosPerEvent.Service is >= 0, $"the service's CPU was not read: {report.ToJson()}");
            Assert.True(report.CpuMicrosPerEvent.Floor is >= 0, $"the floor's CPU was not read: {report.ToJson()}");
        }

        Assert.True(report.Latency.Count == steadyWrites, $"one latency sample per store-writing message of the latency phase: {steadyWrites} expected, {report.Latency.Count} taken");
        Assert.True(report.Latency.P50Ms <= report.Latency.P95Ms && report.Latency.P95Ms <= report.Latency.P99Ms && report.Latency.P99Ms <= report.Latency.MaxMs);
        if (OperatingSystem.IsLinux()) Assert.True(report.PeakResidentMb > 0);

        using var json = JsonDocument.Parse(report.ToJson());
        foreach (var figure in new[] { "ceilingPerSecond", "floorPerSecond", "floorToCeiling", "servicePerSecond", "serviceToCeiling", "serviceToFloor", "latency", "peakResidentMb", "mix", "setup", "machine", "mirror" })
        {
            Assert.True(json.RootElement.TryGetProperty(figure, out _), $"the JSON lacks {figure}");
        }

        Assert.Equal(["floor", "brokerFloorPhase"], new[] { "floor", "brokerFloorPhase" }.Where(p => json.RootElement.GetProperty("cpuMicrosPerEvent").TryGetProperty(p, out _)));
        Assert.Equal(["p50Ms", "p95Ms", "p99Ms"], new[] { "p50Ms", "p95Ms", "p99Ms" }.Where(p => json.RootElement.GetProperty("latency").TryGetProperty(p, out _)));
    }
}
