using System.ComponentModel;
using System.Text.Json;
using Mofa.Sync.Host.Dlq;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync dlq show QUEUE`: the first messages of a dead-letter queue, each with why it failed. Reads without removing.</summary>
public sealed class DlqShowCommand : AsyncCommand<DlqShowCommand.Options>
{
    public sealed class Options : DlqQueueSettings
    {
        [CommandOption("-n|--limit <N>")]
        [Description("Show at most N messages, from the head of the queue (default 20)")]
        [DefaultValue(20)]
        public int Limit { get; set; } = 20;

        [CommandOption("--body-chars <N>")]
        [Description("Cut each body to N characters (default 300)")]
        [DefaultValue(300)]
        public int BodyChars { get; set; } = 300;

        public override ValidationResult Validate() =>
            Limit < 1 || BodyChars < 1 ? ValidationResult.Error("--limit and --body-chars must be at least 1") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var queue = options.ResolveQueue(settings);
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        if (await broker.DepthAsync(queue, cancellationToken) is null) return DlqQueueSettings.ReportMissing(queue);

        var messages = await DeadLetterBrowser.PeekAsync(broker, queue, options.Limit, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => new
            {
                eventId = m.EventId,
                routingKey = m.OriginalRoutingKey,
                reason = m.Reason.Text,
                exceptionType = m.Reason.ExceptionType,
                message = m.Reason.Message,
                retryCount = m.RetryCount,
                failedAt = m.FailedAt,
                failedOn = m.InputQueue,
                body = m.BodyPreview(options.BodyChars),
            }), DlqOutput.Json));
            return 0;
        }

        // One block per message rather than a wide table: reasons and bodies are long lines.
        var number = 0;
        foreach (var m in messages)
        {
            AnsiConsole.Write(new Rule($"[bold]{++number}[/] {SafeText.Markup(m.EventId ?? "(no event id)")}").LeftJustified());
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("routing key", SafeText.Markup(m.OriginalRoutingKey ?? "(not recorded)"));
            grid.AddRow("reason", SafeText.Markup(m.Reason.Text));
            grid.AddRow("retries", m.RetryCount?.ToString() ?? "0");
            grid.AddRow("failed", m.FailedAt is { } t ? $"{t:u} ({DlqOutput.Age(t, now)})" : "unknown");
            grid.AddRow("failed on", SafeText.Markup(m.InputQueue ?? "(not recorded)"));
            grid.AddRow("body", SafeText.Markup(m.BodyPreview(options.BodyChars)));
            AnsiConsole.Write(grid);
        }

        AnsiConsole.MarkupLineInterpolated($"{messages.Count} message(s) shown from the head of {queue}; nothing was removed.");
        return 0;
    }
}
