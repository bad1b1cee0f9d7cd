using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Host.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync notifications`: the recent notifications and what became of them.</summary>
public sealed class NotificationsCommand : AsyncCommand<NotificationsCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("-n|--limit <COUNT>")]
        [Description("How many of the most recent notifications to show (default 50)")]
        public int Limit { get; set; } = 50;

        [CommandOption("--json")]
        [Description("Print JSON (for scripts)")]
        public bool Json { get; set; }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        if (options.Limit <= 0) throw new Settings.SettingsException("--limit must be positive");
        var (_, settings) = options.Load();
        await using var store = await NotificationServices.OpenStoreAsync(settings, cancellationToken);
        var recent = await store.RecentAsync(options.Limit, cancellationToken);
        // Only a digest still waiting can be parked: the broker is asked only then.
        var (parked, unknown) = recent.Any(n => n.Waiting > 0)
            ? await ParkedDigests.ReadAsync(settings.RabbitMq, cancellationToken)
            : (new HashSet<string>(), null);

        if (options.Json)
        {
            Console.WriteLine(new JsonArray(recent.Select(n => (JsonNode?)JsonLine(n, parked)).ToArray()).ToJsonString(Json));
            return 0;
        }

        if (recent.Count == 0)
        {
            AnsiConsole.WriteLine("No notifications yet.");
            return 0;
        }

        var table = new Table().AddColumns("received (UTC)", "site", "course", "change", "status", "teachers", "delivered", "failed", "why");
        foreach (var n in recent)
        {
            var status = StatusOf(n, parked);
            table.AddRow(
                Markup.Escape(n.ReceivedAt.UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                Markup.Escape(n.Site),
                n.CourseId.ToString(CultureInfo.InvariantCulture),
                SafeText.Markup($"{n.Kind} {n.ModuleKind} “{n.ItemName ?? NotificationText.UnknownItem}”"),
                Markup.Escape(status),
                n.Recipients.ToString(CultureInfo.InvariantCulture),
                n.Delivered.ToString(CultureInfo.InvariantCulture),
                n.Failed.ToString(CultureInfo.InvariantCulture),
                SafeText.Markup(string.Join("; ", n.Reasons.Where(r => r != status))));
        }

        AnsiConsole.Write(table);
        var parkedCount = recent.Count(n => StatusOf(n, parked) == ParkedStatus);
        if (parkedCount > 0)
        {
            // A plain line (not wrapped like the table's cells), so the command can be copied.
            Console.WriteLine($"{parkedCount} notification(s) parked in {QueueNames.ErrorOf(QueueNames.Notifications(settings.RabbitMq.QueuePrefix))}: "
                + $"fix the cause (the why column), then run: {ReplayCommand}");
        }

        if (unknown is not null)
        {
            var queue = QueueNames.ErrorOf(QueueNames.Notifications(settings.RabbitMq.QueuePrefix));
            AnsiConsole.MarkupLine($"[yellow]{SafeText.Markup($"Could not read {queue} ({unknown}): \"being sent\" may also mean parked there.")}[/]");
        }

        return 0;
    }

    /// <summary>A notification as --json prints it: its fields, and what became of it (status, parked).</summary>
    private static JsonObject JsonLine(NotificationStatus n, IReadOnlySet<string>? parked)
    {
        var line = JsonSerializer.SerializeToNode(n, Json)!.AsObject();
        line["status"] = StatusOf(n, parked);
        line["parked"] = parked?.Contains(n.DigestId) == true;
        return line;
    }

    public const string ReplayCommand = Health.NotificationsHealthCheck.ReplayCommand;

    /// <summary>What to do with a parked digest.</summary>
    public const string ParkedStatus = "parked (delivery failed): fix the cause, then " + ReplayCommand;

    /// <summary>One phrase for the notification's digest, without knowing which digests are parked.</summary>
    public static string StatusOf(NotificationStatus n) => StatusOf(n, null);

    /// <summary>One phrase for the notification's digest; <paramref name="parked"/>: the digests in the notifications' _error queue (null: unknown).</summary>
    public static string StatusOf(NotificationStatus n, IReadOnlySet<string>? parked) => n switch
    {
        { DigestState: "open" } => "waiting for the digest window",
        { Recipients: 0 } => "no teachers in the mirror",
        // Why: no site configured, a site that is not configured, a site without a token.
        { NotSent: > 0, Delivered: 0, Failed: 0 } => n.Reasons.Count > 0 ? n.Reasons[0] : DigestDelivery.NoMoodleReason,
        { Waiting: > 0 } when parked?.Contains(n.DigestId) == true => ParkedStatus,
        { Waiting: > 0 } => "being sent (or retrying)",
        { Interrupted: > 0 } => "interrupted while sending (not resent, so nobody gets it twice)",
        { Failed: > 0, Delivered: 0 } => "failed",
        { Failed: > 0 } => "partly delivered",
        _ => "delivered",
    };
}
