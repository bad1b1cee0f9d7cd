using System.ComponentModel;
using System.Text.Json;
using Mofa.Sync.Host.Dlq;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync dlq list`: every _error and _skipped queue of the service, its messages grouped by
/// their reason's rule (the values taken out), each rule in full: the part of a reason that says
/// what to do comes last, so a reason is never cut.
/// </summary>
public sealed class DlqListCommand : AsyncCommand<DlqListCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("Print the queues and reason groups as JSON (for scripts)")]
        public bool Json { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        var summaries = await DeadLetterSummary.ReadAllAsync(broker, cancellationToken);
        var now = DateTimeOffset.UtcNow;

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summaries.Select(s => new
            {
                queue = s.Queue,
                messages = s.Messages,
                duplicateCopies = s.DuplicateCopies,
                oldestFailedAt = s.OldestFailedAt,
                oldestAgeSeconds = AgeSeconds(s.OldestFailedAt, now),
                reasons = s.Reasons.Select(g => new
                {
                    reason = g.Reason.Text,
                    exceptionType = g.Reason.ExceptionType,
                    message = g.Reason.Message,
                    example = g.Example.Message,
                    count = g.Count,
                    oldestFailedAt = g.OldestFailedAt,
                    oldestAgeSeconds = AgeSeconds(g.OldestFailedAt, now),
                }),
            }), DlqOutput.Json));
            return 0;
        }

        if (summaries.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"No dead-letter queue exists yet for prefix [bold]{settings.RabbitMq.QueuePrefix}[/]: nothing has failed.");
            return 0;
        }

        var table = new Table().AddColumns("queue", "messages", "reason", "count", "oldest");
        foreach (var s in summaries)
        {
            if (s.Reasons.Count == 0)
            {
                table.AddRow(Markup.Escape(s.Queue), "0", "[grey]empty[/]", "", "");
                continue;
            }

            var first = true;
            foreach (var g in s.Reasons)
            {
                table.AddRow(first ? Markup.Escape(s.Queue) : "", first ? s.Messages.ToString() : "",
                    SafeText.Markup(g.Reason.Text), g.Count.ToString(), DlqOutput.Age(g.OldestFailedAt, now));
                first = false;
            }
        }

        AnsiConsole.Write(table);
        var total = summaries.Sum(s => s.Messages);
        AnsiConsole.MarkupLineInterpolated($"{total} dead-lettered message(s) in {summaries.Count(s => s.Messages > 0)} queue(s). See one with `mofa-sync dlq show QUEUE`.");
        var copies = summaries.Sum(s => s.DuplicateCopies);
        if (copies > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"Not counted: {copies} duplicate copies of these messages (same message-id and body, left by an interrupted replay); the next `mofa-sync dlq replay` removes them.");
        }
        return 0;
    }

    private static long? AgeSeconds(DateTimeOffset? failedAt, DateTimeOffset now) => failedAt is { } t ? (long)(now - t).TotalSeconds : null;
}
