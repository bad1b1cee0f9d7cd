using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Mofa.Sync.Agents.Notifications;
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

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(recent, Json));
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
            var status = StatusOf(n);
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
        return 0;
    }

    /// <summary>One phrase for the notification's digest.</summary>
    public static string StatusOf(NotificationStatus n) => n switch
    {
        { DigestState: "open" } => "waiting for the digest window",
        { Recipients: 0 } => "no teachers in the mirror",
        // Why: no site configured, a site that is not configured, a site without a token.
        { NotSent: > 0, Delivered: 0, Failed: 0 } => n.Reasons.Count > 0 ? n.Reasons[0] : DigestDelivery.NoMoodleReason,
        { Waiting: > 0 } => "being sent (or retrying)",
        { Interrupted: > 0 } => "interrupted while sending (not resent, so nobody gets it twice)",
        { Failed: > 0, Delivered: 0 } => "failed",
        { Failed: > 0 } => "partly delivered",
        _ => "delivered",
    };
}
