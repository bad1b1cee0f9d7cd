using System.ComponentModel;
using System.Text.Json;
using Mofa.Sync.Host.Dlq;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync dlq replay QUEUE`: moves dead-lettered messages back to the service queue their dead-letter queue belongs to.</summary>
public sealed class DlqReplayCommand : AsyncCommand<DlqReplayCommand.Options>
{
    public const string Help =
        "Move messages back to the service's queue their dead-letter queue belongs to (X_error → X, whatever their headers say), without the fault headers. " +
        "Each is republished with publisher confirms before its dead-letter copy is removed, so a crash loses nothing " +
        "(at worst one is replayed twice, which the apply rules absorb). Messages the filters do not take stay in the " +
        "queue in their original order. A message that fails again returns to _error with its new reason. It goes back with " +
        "its original routing key (header MofaSync-Routing-Key), which decides its kind as on its first delivery. A second copy " +
        "of a message (same message-id and body, left by an interrupted replay) is removed, not replayed twice. Only messages that failed " +
        "before the command began are taken: failures that join meanwhile are left for the next run. One replay or purge " +
        "at a time per queue: a second one is refused (exit code 4) and changes nothing.";

    /// <summary>Another replay or purge holds the queue: nothing was done (docs/dlq.md).</summary>
    public const int BusyExitCode = 4;

    public sealed class Options : DlqFilterSettings
    {
        [CommandOption("-n|--first|--limit <N>")]
        [Description("Replay the first N messages the filters take, from the head of the queue, and stop (--first 1: try one before the rest)")]
        public int? Limit { get; set; }

        [CommandOption("--dry-run")]
        [Description("Only count what would be replayed, and where to; move nothing")]
        public bool DryRun { get; set; }

        public override ValidationResult Validate() =>
            Limit is < 1 ? ValidationResult.Error("--limit (--first) must be at least 1") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        // The cut-off: taken before anything else, so a failure that joins while the command connects or waits is left too.
        var began = DateTimeOffset.UtcNow;
        var (_, settings) = options.Load();
        var queue = options.ResolveQueue(settings);
        var filter = new DeadLetterFilter(options.Reason, Limit: options.Limit, Cutoff: began);
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        var depth = await broker.DepthAsync(queue, cancellationToken);
        if (depth is null) return DlqQueueSettings.ReportMissing(queue);

        var replayer = new DeadLetterReplayer(broker);
        DeadLetterReplayer.Result result;
        try
        {
            result = await DlqProgress.RunAsync(
                options.Json, $"{(options.DryRun ? "counting" : "replaying")} {queue}", depth.Messages,
                examined => replayer.ReplayAsync(queue, filter, options.DryRun, examined, cancellationToken));
        }
        catch (DeadLetterQueueBusyException busy)
        {
            Console.Error.WriteLine($"mofa-sync: {busy.Message}");
            return BusyExitCode;
        }

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                queue = result.Queue,
                dryRun = result.DryRun,
                filter = filter.ToString(),
                examined = result.Examined,
                matched = result.Matched,
                replayed = result.Replayed,
                duplicatesRemoved = result.DuplicatesRemoved,
                failedAfterCutoff = result.FailedAfterCutoff,
                byTarget = result.ByTarget,
                failed = result.Failures.Count,
                failures = result.Failures,
            }, DlqOutput.Json));
        }
        else
        {
            var targets = string.Join(", ", result.ByTarget.Select(t => $"{t.Value} to {t.Key}"));
            Console.WriteLine(result.DryRun
                ? $"Dry run: {result.Matched} of {result.Examined} message(s) examined in {queue} would be replayed ({filter}){(targets.Length > 0 ? ": " + targets : "")}. Nothing was moved."
                : $"Replayed {result.Replayed} of {result.Examined} message(s) examined in {queue} ({filter}){(targets.Length > 0 ? ": " + targets : "")}. The others stay in the queue, in their order.");
            if (result.DuplicatesRemoved > 0)
            {
                Console.WriteLine(result.DryRun
                    ? $"  {result.DuplicatesRemoved} duplicate copies (same message-id and body as one above) would be removed."
                    : $"  {result.DuplicatesRemoved} duplicate copies (same message-id and body as a replayed one, left by an interrupted replay) were removed.");
            }

            if (result.FailedAfterCutoff > 0)
            {
                Console.WriteLine($"  {result.FailedAfterCutoff} message(s) failed after the command began: left for the next run.");
            }

            foreach (var f in result.Failures.Take(10))
            {
                Console.WriteLine($"  not replayed (still in {queue}): {SafeText.Plain(f.EventId ?? "(no event id)")} → {f.Target}: {SafeText.Plain(f.Error)}");
            }

            if (result.Failures.Count > 10) Console.WriteLine($"  … and {result.Failures.Count - 10} more not replayed.");
        }

        return result.Failures.Count == 0 ? 0 : 1;
    }
}
