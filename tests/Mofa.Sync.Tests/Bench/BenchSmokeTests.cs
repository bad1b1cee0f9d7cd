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

        var report = await runner.RunAsync(new BenchOptions { Events = 2_000, LatencyRate = 500, LatencySeconds = 2 }, CancellationToken.None);

        Assert.True(report.Complete, report.Mirror.ToString());
        Assert.Equal(3_000, report.Mirror.Handled);
        Assert.Equal(3_000, report.Mirror.Published);
        Assert.True(report.CeilingPerSecond > 0 && report.ServicePerSecond > 0 && report.PublishPerSecond > 0 && report.OfferedPerSecond > 0,
            report.ToJson());
        Assert.True(report.FloorPerSecond > 0 && report.FloorToCeiling > 0 && report.ServiceToFloor > 0, report.ToJson());
        if (OperatingSystem.IsLinux())
        {
            // /proc counts CPU in 10 ms ticks: the floor drains 2,000 events in about 0.1 s, too short
            // to count on a tick; the service phase is several times longer.
            Assert.True(report.CpuMicrosPerEvent.Service > 0, report.ToJson());
            Assert.True(report.CpuMicrosPerEvent.Floor >= 0, report.ToJson());
        }

        Assert.True(report.Latency.Count > 500, $"latency samples: {report.Latency.Count}");
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
