using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Spectre.Console;
using Spectre.Console.Cli;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync dlq edit QUEUE --message-id ID`: corrects one dead-lettered bridge message and sends it again (docs/dlq.md).</summary>
public sealed class DlqEditCommand : AsyncCommand<DlqEditCommand.Options>
{
    public const string Help =
        "Correct one dead-lettered bridge message and send it again: --out FILE writes its body to FILE (nothing else), --body FILE sends " +
        "FILE's content instead of it, and without either $EDITOR opens it. The edited body must pass the service's own parser and validators " +
        "and keep its eventId, else it is refused with the reasons and nothing changes. It is republished with publisher confirms under " +
        "its original routing key, then its dead-letter copy is removed; --dry-run only checks it. One log line records the edit and the " +
        "SHA-256 of both bodies.";

    public sealed class Options : DlqQueueSettings
    {
        [CommandOption("--message-id <ID>")]
        [Description("The message's id (the bridge's eventId), as `dlq show` prints it")]
        public string? MessageId { get; set; }

        [CommandOption("--out <FILE>")]
        [Description("Write the message's body to FILE (a new file) and change nothing; edit it, then send it with --body FILE")]
        public string? Out { get; set; }

        [CommandOption("--body <FILE>")]
        [Description("The edited body: send FILE's content in place of the message's")]
        public string? Body { get; set; }

        [CommandOption("--dry-run")]
        [Description("Check the edited body and show what would be sent; send and remove nothing")]
        public bool DryRun { get; set; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(MessageId)) return ValidationResult.Error("--message-id is required (the id `dlq show` prints)");
            if (Out is not null && Body is not null) return ValidationResult.Error("--out writes the body and --body sends one: give one of them");
            if (Out is not null && DryRun) return ValidationResult.Error("--out changes nothing already: --dry-run goes with --body or the editor");
            if (Out is not null && File.Exists(Out)) return ValidationResult.Error($"'{SafeText.Plain(Out)}' exists already: --out writes a new file");
            if (Body is not null && !File.Exists(Body)) return ValidationResult.Error($"the file '{SafeText.Plain(Body)}' does not exist");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (configuration, settings) = options.Load();
        var queue = options.ResolveQueue(settings);
        if (!queue.EndsWith(QueueNames.ErrorSuffix, StringComparison.Ordinal) || queue == QueueNames.ErrorOf(QueueNames.Notifications(settings.RabbitMq.QueuePrefix)))
        {
            throw new SettingsException($"dlq edit takes an agent's _error queue (its messages are bridge messages), not {queue}");
        }

        var id = options.MessageId!;
        await using var broker = await DeadLetterBroker.ConnectAsync(settings.RabbitMq, cancellationToken);
        if (await broker.DepthAsync(queue, cancellationToken) is null) return DlqQueueSettings.ReportMissing(queue);
        var editor = new DeadLetterEditor(broker, DeliveryChecks.From(settings));

        if (options.Out is { } outFile)
        {
            var found = await editor.FindAsync(queue, id, cancellationToken);
            if (found is null) return Refuse($"no message with id '{id}' is in {queue}");
            await File.WriteAllBytesAsync(outFile, found.Body.ToArray(), cancellationToken);
            Console.WriteLine($"Wrote the body of {SafeText.Plain(id)} ({found.Body.Length} bytes) to {SafeText.Plain(outFile)}. Nothing changed; send the edited one with --body {SafeText.Plain(outFile)}.");
            return 0;
        }

        DeadLetterEditor.Result result;
        try
        {
            result = await editor.EditAsync(queue, id, (message, ct) => options.Body is { } bodyFile ? File.ReadAllBytesAsync(bodyFile, ct) : EditInEditorAsync(message, ct),
                options.DryRun, cancellationToken);
        }
        catch (DeadLetterQueueBusyException busy)
        {
            Console.Error.WriteLine($"mofa-sync: {busy.Message}");
            return DlqReplayCommand.BusyExitCode;
        }

        if (result.Outcome == DeadLetterEditor.Outcome.Edited)
        {
            using var loggers = EditLog(configuration);
            loggers.CreateLogger("Mofa.Sync.Dlq.Edit").LogInformation(
                "Dead letter {MessageId} of {Queue} edited at {EditedAt:u} and republished to {Target} under {RoutingKey}; body SHA-256 original {OriginalSha256}, edited {EditedSha256}",
                SafeText.Plain(result.MessageId), result.Queue, result.EditedAt, result.Target, SafeText.Plain(result.RoutingKey), result.OriginalSha256, result.EditedSha256);
        }

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                queue = result.Queue,
                messageId = result.MessageId,
                outcome = result.Outcome.ToString(),
                reason = result.Reason,
                target = result.Target,
                routingKey = result.RoutingKey,
                originalSha256 = result.OriginalSha256,
                editedSha256 = result.EditedSha256,
                editedAt = result.EditedAt,
            }, DlqOutput.Json));
        }
        else
        {
            Console.WriteLine(result.Outcome switch
            {
                DeadLetterEditor.Outcome.Edited =>
                    $"Edited {SafeText.Plain(id)}: republished to {result.Target} under {SafeText.Plain(result.RoutingKey)} (confirmed), and removed from {queue}.",
                DeadLetterEditor.Outcome.WouldEdit =>
                    $"Dry run: the edited body of {SafeText.Plain(id)} is valid; it would be republished to {result.Target} under {SafeText.Plain(result.RoutingKey)} and removed from {queue}. Nothing was sent.",
                _ => $"Not edited: {SafeText.Plain(result.Reason)}. Nothing changed.",
            });
            if (result.EditedSha256 is not null) Console.WriteLine($"  body SHA-256: original {result.OriginalSha256}, edited {result.EditedSha256}");
        }

        return result.Outcome is DeadLetterEditor.Outcome.Edited or DeadLetterEditor.Outcome.WouldEdit ? 0 : 1;
    }

    private static int Refuse(string reason)
    {
        Console.Error.WriteLine($"mofa-sync: {SafeText.Plain(reason)}");
        return 1;
    }

    /// <summary>The body in a private temporary file, opened with $EDITOR (a command line, e.g. `vi` or `code -w`); what it saves is the edited body.</summary>
    private static async Task<byte[]> EditInEditorAsync(DeadLetterMessage message, CancellationToken ct)
    {
        var editor = Environment.GetEnvironmentVariable("EDITOR");
        if (string.IsNullOrWhiteSpace(editor)) throw new SettingsException("set EDITOR, or edit a file: --out FILE, then --body FILE");
        var file = Path.Combine(Path.GetTempPath(), $"mofa-sync-edit-{Guid.NewGuid():N}.json");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var created = new FileStream(file, create))
            {
                await created.WriteAsync(message.Body, ct);
            }

            // Through the shell, as git does: EDITOR may carry arguments.
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            foreach (var argument in new[] { "-c", "$EDITOR \"$1\"", "mofa-sync", file }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0) throw new SettingsException($"the editor exited with code {process.ExitCode}: nothing was sent");
            return await File.ReadAllBytesAsync(file, ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The edit's log line: in the service's log format (Logging:Format), on stderr, so --json output stays one document.</summary>
    private static ILoggerFactory EditLog(IConfiguration configuration) => LoggerFactory.Create(logging =>
    {
        SyncHostBuilder.ConfigureLogging(logging, configuration);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
