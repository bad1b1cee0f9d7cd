using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mofa.Sync.Host.Recordings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync validate FILE.jsonl`: checks a file of bridge messages as the service would read
/// them, without a broker or a store. Exit code 0 when every line is valid (ignored kinds
/// included), 1 when any line is invalid.
/// </summary>
public sealed class ValidateCommand : Command<ValidateCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A .jsonl file: one bridge message body per line, as `mofa-sync publish` reads it")]
        public string File { get; set; } = "";

        [CommandOption("--routing-key <KEY>")]
        [Description("Check every line as if published with this routing key (default: derived from each line's eventName, as publish does)")]
        public string? RoutingKey { get; set; }

        [CommandOption("--json")]
        [Description("One JSON object: the counts and every line's outcome")]
        public bool Json { get; set; }

        public override ValidationResult Validate() =>
            System.IO.File.Exists(File) ? ValidationResult.Success() : ValidationResult.Error($"the file '{File}' does not exist");
    }

    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // The default encoder escapes every control and non-ASCII character: the output is safe on any terminal.
    };

    public override int Execute(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        // The service's own settings: its body limit, its time bound, and with Moodle:Sites configured, other sites' messages are invalid.
        var (_, settings) = options.Load();
        var verdicts = BridgeFileValidator.Check(System.IO.File.ReadLines(options.File), options.RoutingKey, DeliveryChecks.From(settings)).ToList();
        var report = ValidationReport.Of(options.File, verdicts);

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonOutput));
        }
        else
        {
            foreach (var v in verdicts.Where(v => v.Outcome != LineOutcome.Valid))
            {
                var what = v.Outcome == LineOutcome.Invalid ? "invalid" : "ignored";
                // The service's reasons name the routing key themselves; publish's and the ignored ones do not.
                var key = v.RoutingKey is null || v.Reason?.StartsWith(v.RoutingKey, StringComparison.Ordinal) == true ? string.Empty : $" ({SafeText.Plain(v.RoutingKey)})";
                Console.WriteLine($"{SafeText.Plain(options.File)}:{v.Line}: {what}{key}: {SafeText.Plain(v.Reason)}");
            }

            Console.WriteLine($"{report.Messages} message(s): {report.Valid} valid, {report.Invalid} invalid, {report.Ignored} ignored (kinds the sync does not handle, or not course content).");
        }

        return report.Invalid > 0 ? 1 : 0;
    }
}

/// <summary>What `mofa-sync validate --json` prints.</summary>
public sealed record ValidationReport(string File, int Messages, int Valid, int Invalid, int Ignored, IReadOnlyList<LineVerdict> Lines)
{
    public static ValidationReport Of(string file, IReadOnlyList<LineVerdict> verdicts) => new(
        file,
        verdicts.Count,
        verdicts.Count(v => v.Outcome == LineOutcome.Valid),
        verdicts.Count(v => v.Outcome == LineOutcome.Invalid),
        verdicts.Count(v => v.Outcome == LineOutcome.Ignored),
        verdicts);
}
