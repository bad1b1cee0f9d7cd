using System.ComponentModel;
using Mofa.Sync.Host.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Bench;

/// <summary>
/// `mofa-sync-bench`: throughput of the service against the raw broker ceiling and the MassTransit floor, and its latency, on a
/// generated term-start mix (docs/performance.md). Runs on its own exchange, queues and database.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("-n|--events <N>")]
        [Description("Messages in the backlog (default 200000)")]
        [DefaultValue(200_000)]
        public int Events { get; set; } = 200_000;

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the generated mix: the same seed gives the same messages (default 1)")]
        [DefaultValue(1)]
        public int Seed { get; set; } = 1;

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Offered load of the latency phase, events per second (default 2000)")]
        [DefaultValue(2_000d)]
        public double Rate { get; set; } = 2_000;

        [CommandOption("--latency-seconds <SECONDS>")]
        [Description("Length of the latency phase (default 20)")]
        [DefaultValue(20d)]
        public double LatencySeconds { get; set; } = 20;

        [CommandOption("--json-file <FILE>")]
        [Description("Where the figures are written as JSON (default bench-result.json)")]
        [DefaultValue("bench-result.json")]
        public string JsonFile { get; set; } = "bench-result.json";

        [CommandOption("--json")]
        [Description("Print the JSON instead of the table")]
        public bool Json { get; set; }

        [CommandOption("--without-notifications")]
        [Description("Diagnostic: the service records and publishes no notification (shows what notifications cost; not the service as deployed)")]
        public bool WithoutNotifications { get; set; }

        /// <summary>Internal: run as the benchmarked service (the bench starts itself this way).</summary>
        [CommandOption("--compare-queue-types")]
        [Description("Run the whole bench twice, on classic and on quorum queues (RabbitMq:QueueType), and print the two side by side")]
        public bool CompareQueueTypes { get; set; }

        [CommandOption("--service-child", IsHidden = true)]
        public bool ServiceChild { get; set; }

        public override ValidationResult Validate()
        {
            if (Events < 1) return ValidationResult.Error("--events must be at least 1");
            if (Rate <= 0 || LatencySeconds <= 0) return ValidationResult.Error("--rate and --latency-seconds must be positive");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (configuration, settings) = options.Load();
        if (options.ServiceChild) return await BenchServiceChild.RunAsync(configuration, settings);

        // The user's --setting pairs go to the service child too (as environment variables).
        var userSettings = options.Overrides
            .Select(o => o.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1], StringComparer.OrdinalIgnoreCase);
        var benchOptions = new BenchOptions
        {
            Events = options.Events,
            Seed = options.Seed,
            LatencyRate = options.Rate,
            LatencySeconds = options.LatencySeconds,
            WithoutNotifications = options.WithoutNotifications,
        };
        if (options.CompareQueueTypes) return await CompareQueueTypesAsync(configuration, userSettings, options, benchOptions, cancellationToken);

        var runner = new BenchRunner(configuration, userSettings, options.ConfigFile,
            line => Console.Error.WriteLine($"bench: {line}"));
        var report = await runner.RunAsync(benchOptions, cancellationToken);

        await File.WriteAllTextAsync(options.JsonFile, report.ToJson(), cancellationToken);
        if (options.Json)
        {
            Console.WriteLine(report.ToJson());
        }
        else
        {
            AnsiConsole.Write(report.ToTable());
            AnsiConsole.MarkupLineInterpolated($"Figures written to {Path.GetFullPath(options.JsonFile)}");
        }

        return report.Complete ? 0 : 1;
    }

    /// <summary>The same bench on classic then quorum queues, one after the other in one run, compared as ratios.</summary>
    private static async Task<int> CompareQueueTypesAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, Dictionary<string, string> userSettings,
        Options options, BenchOptions benchOptions, CancellationToken ct)
    {
        var reports = new Dictionary<string, BenchReport>();
        foreach (var type in new[] { "Classic", "Quorum" })
        {
            var settings = new Dictionary<string, string>(userSettings, StringComparer.OrdinalIgnoreCase) { ["RabbitMq:QueueType"] = type };
            // The bench's own settings (and the service child's) are the user's --setting pairs plus the queue type.
            var runner = new BenchRunner(configuration, settings, options.ConfigFile, line => Console.Error.WriteLine($"bench ({type.ToLowerInvariant()}): {line}"));
            reports[type] = await runner.RunAsync(benchOptions, ct);
        }

        var (classic, quorum) = (reports["Classic"], reports["Quorum"]);
        string Ratio(double q, double c) => c > 0 ? (q / c).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
        var table = new Table().AddColumns("events/s", "classic", "quorum", "quorum / classic");
        void Row(string name, double c, double q) => table.AddRow(name, c.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture), q.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture), Ratio(q, c));
        Row("publish (confirms)", classic.PublishPerSecond, quorum.PublishPerSecond);
        Row("ceiling (raw consume)", classic.CeilingPerSecond, quorum.CeilingPerSecond);
        Row("MassTransit floor", classic.FloorPerSecond, quorum.FloorPerSecond);
        Row("service", classic.ServicePerSecond, quorum.ServicePerSecond);
        table.AddRow("latency p50 / p99 ms", $"{classic.Latency.P50Ms} / {classic.Latency.P99Ms}", $"{quorum.Latency.P50Ms} / {quorum.Latency.P99Ms}",
            $"{Ratio(quorum.Latency.P50Ms, classic.Latency.P50Ms)} / {Ratio(quorum.Latency.P99Ms, classic.Latency.P99Ms)}");
        var json = System.Text.Json.JsonSerializer.Serialize(new { classic, quorum }, BenchReport.Json);
        await File.WriteAllTextAsync(options.JsonFile, json, ct);
        if (options.Json)
        {
            Console.WriteLine(json);
        }
        else
        {
            AnsiConsole.Write(classic.ToTable());
            AnsiConsole.Write(quorum.ToTable());
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"Figures written to {Path.GetFullPath(options.JsonFile)}");
        }

        return classic.Complete && quorum.Complete ? 0 : 1;
    }
}
