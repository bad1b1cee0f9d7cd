using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Contracts.Notifications;
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

    /// <summary>Shown of a notification's recipients and changes; the rest are counted.</summary>
    private const int ListedAtMost = 20;

    /// <summary>What a parked notification is about, before its reason: course, teachers, changes.</summary>
    private static void AddNotification(Grid grid, NotificationRequested n)
    {
        grid.AddRow("notification", SafeText.Markup($"{n.NotificationId} on {n.Site}"));
        grid.AddRow("course", SafeText.Markup($"{n.Course.Id} {n.Course.Name ?? "(name not known)"}"));
        grid.AddRow("recipients", $"{n.Recipients.Count} teacher(s): {Listed(n.Recipients.Select(r => r.ToString(CultureInfo.InvariantCulture)), n.Recipients.Count, ", ")}");
        grid.AddRow("changes", Listed(n.Changes.Select(DeadLetterNotification.Describe), n.Changes.Count, "\n"));
    }

    /// <summary>The first items, each made safe to print on its own line, and how many more there are.</summary>
    private static string Listed(IEnumerable<string> items, int count, string separator) =>
        string.Join(separator, items.Take(ListedAtMost).Select(SafeText.Markup)) + (count > ListedAtMost ? $"{separator}… and {count - ListedAtMost} more" : "");

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var queue = options.ResolveQueue(settings);
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        if (await broker.DepthAsync(queue, cancellationToken) is null) return DlqQueueSettings.ReportMissing(queue);

        var messages = await DeadLetterBrowser.PeekAsync(broker, queue, options.Limit, cancellationToken);
        var notifications = QueueNames.SourceOf(queue) == QueueNames.Notifications(settings.RabbitMq.QueuePrefix);
        var now = DateTimeOffset.UtcNow;
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => new
            {
                eventId = m.EventId,
                routingKey = notifications ? null : m.OriginalRoutingKey,
                reason = m.Reason.Text,
                exceptionType = m.Reason.ExceptionType,
                message = m.Reason.Message,
                retryCount = m.RetryCount,
                failedAt = m.FailedAt,
                failedOn = m.InputQueue,
                notification = notifications && DeadLetterNotification.Of(m.Body) is { } n ? new
                {
                    notificationId = n.NotificationId,
                    site = n.Site,
                    course = n.Course,
                    recipients = n.Recipients,
                    changes = n.Changes.Select(DeadLetterNotification.Describe),
                } : null,
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
            var notification = notifications ? DeadLetterNotification.Of(m.Body) : null;
            if (notification is not null)
            {
                AddNotification(grid, notification);
            }
            else if (!notifications)
            {
                // Notifications go through a fanout exchange: they have no routing key to show.
                grid.AddRow("routing key", SafeText.Markup(m.OriginalRoutingKey ?? "(not recorded)"));
            }

            grid.AddRow("reason", SafeText.Markup(m.Reason.Text));
            grid.AddRow("retries", m.RetryCount?.ToString(CultureInfo.InvariantCulture)
                ?? (notifications ? "none by the service (each Moodle call is retried within the call: see the reason)" : "0"));
            grid.AddRow("failed", m.FailedAt is { } t ? $"{t:u} ({DlqOutput.Age(t, now)})" : "unknown");
            grid.AddRow("failed on", SafeText.Markup(m.InputQueue ?? "(not recorded)"));
            if (notification is null) grid.AddRow("body", SafeText.Markup(m.BodyPreview(options.BodyChars)));
            AnsiConsole.Write(grid);
        }

        AnsiConsole.MarkupLineInterpolated($"{messages.Count} message(s) shown from the head of {queue}; nothing was removed.");
        return 0;
    }
}
