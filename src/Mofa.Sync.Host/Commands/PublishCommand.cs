using System.ComponentModel;
using Mofa.Sync.Host.Recordings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync publish FILE.jsonl`: sends recorded bridge messages to the exchange, with publisher confirms.</summary>
public sealed class PublishCommand : AsyncCommand<PublishCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A .jsonl file: one bridge message body per line")]
        public string File { get; set; } = "";

        [CommandOption("--routing-key-from <FIELD>")]
        [Description("Where each message's routing key comes from: eventName (default)")]
        [DefaultValue("eventName")]
        public string RoutingKeyFrom { get; set; } = "eventName";

        [CommandOption("--routing-key <KEY>")]
        [Description("Publish every line with this routing key instead")]
        public string? RoutingKey { get; set; }

        public override ValidationResult Validate()
        {
            if (!System.IO.File.Exists(File)) return ValidationResult.Error($"the file '{File}' does not exist");
            if (RoutingKey is null && RoutingKeyFrom != "eventName") return ValidationResult.Error("--routing-key-from only knows eventName");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var lines = new List<BridgeLine>();
        var number = 0;
        foreach (var text in await System.IO.File.ReadAllLinesAsync(options.File, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                lines.Add(BridgeLine.FromJsonLine(text, options.RoutingKey, number));
            }
            catch (FormatException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{options.File}: {ex.Message}[/]");
                return 1;
            }
        }

        await using var publisher = await BridgePublisher.ConnectAsync(settings.RabbitMq, cancellationToken, declareExchange: false);
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"publishing to {settings.RabbitMq.Exchange}", maxValue: lines.Count);
                await publisher.PublishManyAsync(lines, 500, n => task.Increment(n), cancellationToken);
            });
        }
        else
        {
            await publisher.PublishManyAsync(lines, 500, null, cancellationToken);
        }

        Console.WriteLine($"Published {lines.Count} messages to {settings.RabbitMq.Exchange} (all confirmed by the broker).");
        if (publisher.Unroutable > 0)
        {
            Console.WriteLine($"{publisher.Unroutable} of them matched no queue and were dropped by the broker: run `mofa-sync topology` before publishing.");
            return 3;
        }

        return 0;
    }
}
