using System.ComponentModel;
using System.Text.Json;
using Mofa.Sync.Host.Dlq;
using Spectre.Console;
using Spectre.Console.Cli;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync dlq purge QUEUE --yes`: deletes dead-lettered messages for good.</summary>
public sealed class DlqPurgeCommand : AsyncCommand<DlqPurgeCommand.Options>
{
    public const string Help =
        "Delete messages from a dead-letter queue for good (requires --yes). Filter by reason and age; " +
        "messages the filters do not take stay in the queue in their original order.";

    public sealed class Options : DlqFilterSettings
    {
        [CommandOption("--older-than <DURATION>")]
        [Description("Only messages that failed longer ago than DURATION: 30m, 2h, 7d (messages without a failure time are kept)")]
        public string? OlderThan { get; set; }

        [CommandOption("--yes")]
        [Description("Confirm the deletion (required: purged messages cannot be recovered)")]
        public bool Yes { get; set; }

        [CommandOption("--dry-run")]
        [Description("List every message the purge would delete and delete nothing (no --yes needed)")]
        public bool DryRun { get; set; }

        /// <summary>The oldest age --older-than takes: a cut-off further back than this is no failure time.</summary>
        public static readonly TimeSpan MaxAge = TimeSpan.FromDays(3650);

        public override ValidationResult Validate()
        {
            if (OlderThan is not null && !Durations.TryParse(OlderThan, out _))
            {
                return ValidationResult.Error($"--older-than '{SafeText.Plain(OlderThan)}' is not a duration such as 30m, 2h or 7d");
            }

            if (OlderThan is not null && Durations.TryParse(OlderThan, out var age) && age > MaxAge)
            {
                return ValidationResult.Error($"--older-than must be between 0s and {MaxAge.TotalDays:0}d (got {SafeText.Plain(OlderThan)})");
            }

            return Yes || DryRun ? ValidationResult.Success() : ValidationResult.Error("purging deletes messages for good: add --yes to confirm (see what would go with --dry-run)");
        }

        public DeadLetterFilter Filter(DateTimeOffset now) =>
            new(Reason, OlderThan is not null && Durations.TryParse(OlderThan, out var age) ? now - age : null);
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var queue = options.ResolveQueue(settings);
        var filter = options.Filter(DateTimeOffset.UtcNow);
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        var depth = await broker.DepthAsync(queue, cancellationToken);
        if (depth is null) return DlqQueueSettings.ReportMissing(queue);

        var purger = new DeadLetterPurger(broker);
        var taken = new List<DeadLetterMessage>();
        var result = await DlqProgress.RunAsync(options.Json, options.DryRun ? $"reading {queue}" : $"purging {queue}", depth.Messages,
            examined => purger.PurgeAsync(queue, filter, examined, cancellationToken, options.DryRun ? taken.Add : null, options.DryRun));

        if (options.Json)
        {
            Console.WriteLine(options.DryRun
                ? JsonSerializer.Serialize(new
                {
                    queue, filter = filter.ToString(), dryRun = true, examined = result.Examined, wouldPurge = result.Purged,
                    messages = taken.Select(m => new { eventId = m.EventId, reason = m.Reason.Text, failedAt = m.FailedAt }),
                }, DlqOutput.Json)
                : JsonSerializer.Serialize(new { queue, filter = filter.ToString(), examined = result.Examined, purged = result.Purged }, DlqOutput.Json));
        }
        else if (options.DryRun)
        {
            foreach (var m in taken)
            {
                Console.WriteLine($"would purge\t{SafeText.Plain(m.EventId ?? "(no event id)")}\t{m.FailedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "(no failure time)"}\t{SafeText.Plain(m.Reason.Text)}");
            }

            AnsiConsole.WriteLine($"Dry run: {result.Purged} of {result.Examined} message(s) examined in {queue} would be purged ({filter}). Nothing was deleted.");
        }
        else
        {
            AnsiConsole.WriteLine($"Purged {result.Purged} of {result.Examined} message(s) examined in {queue} ({filter}). The others stay in the queue, in their order.");
        }

        return 0;
    }
}
