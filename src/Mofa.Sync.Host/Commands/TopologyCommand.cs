using System.ComponentModel;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using Spectre.Console;
using Spectre.Console.Cli;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync topology`: declares the exchange, the agents' queues and their bindings (the same
/// declarations the service makes at start, so it is idempotent), then reports what exists.
/// </summary>
public sealed class TopologyCommand : AsyncCommand<TopologyCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--check-only")]
        [Description("Only report; declare nothing")]
        public bool CheckOnly { get; set; }

        [CommandOption("--migrate-queues")]
        [Description("Move queues the broker holds with other arguments (another RabbitMq:QueueType or RabbitMq:DeliveryLimit) into queues declared as the settings say, with their messages. Stop the services first")]
        public bool MigrateQueues { get; set; }

        [CommandOption("--dry-run")]
        [Description("With --migrate-queues: print the queues it would move and their messages, and change nothing (declares nothing either)")]
        public bool DryRun { get; set; }

        [CommandOption("--json")]
        [Description("Print the report as JSON")]
        public bool Json { get; set; }

        public override Spectre.Console.ValidationResult Validate() =>
            DryRun && !MigrateQueues ? Spectre.Console.ValidationResult.Error("--dry-run goes with --migrate-queues (to only report the topology, use --check-only)") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var rabbit = settings.RabbitMq;
        if (options.MigrateQueues)
        {
            if (options.CheckOnly) throw new Settings.SettingsException("--migrate-queues changes queues: it cannot go with --check-only");
            var moved = await QueueMigration.MigrateAsync(rabbit, line => Console.Error.WriteLine(line), cancellationToken, options.DryRun);
            Console.Error.WriteLine(moved.Count == 0
                ? $"Every queue already has the arguments of RabbitMq:QueueType={rabbit.QueueType}: nothing to migrate."
                : options.DryRun
                    ? $"Dry run: {moved.Count} queue(s) would move to RabbitMq:QueueType={rabbit.QueueType}, {moved.Sum(m => m.Moved)} message(s) in them now; nothing was changed."
                    : $"Migrated {moved.Count} queue(s) to RabbitMq:QueueType={rabbit.QueueType}, {moved.Sum(m => m.Moved)} message(s) moved.");
        }

        if (!options.CheckOnly && !options.DryRun)
        {
            await AgentTopology.DeclareAsync(rabbit, cancellationToken);
        }

        await using var inspector = await QueueInspector.ConnectAsync(rabbit, cancellationToken);
        var exchangeExists = await inspector.ExchangeExistsAsync(rabbit.Exchange, cancellationToken);
        var rows = new List<object>();
        var table = new Table().AddColumns("agent", "queue", "messages", "consumers", "error queue");
        var bindings = new List<string>();
        var complete = exchangeExists;
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            var queue = QueueNames.Agent(rabbit.QueuePrefix, agent);
            var state = await inspector.InspectAsync(queue, cancellationToken);
            var error = await inspector.InspectAsync(QueueNames.ErrorOf(queue), cancellationToken);
            complete &= state.Exists;
            var keys = BridgeAgents.Subscriptions.RoutingKeysOf(agent).ToList();
            rows.Add(new { agent = agent.ToString().ToLowerInvariant(), queue, exists = state.Exists, routingKeys = keys, state.Messages, state.Consumers, errorMessages = error.Exists ? error.Messages : 0 });
            bindings.Add($"  {queue} ← {string.Join(", ", keys)}");
            table.AddRow(agent.ToString().ToLowerInvariant(), Markup.Escape(queue),
                state.Exists ? state.Messages.ToString() : "[red]missing[/]", state.Consumers.ToString(), error.Exists ? $"{error.Messages} waiting" : "none yet");
        }

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { exchange = rabbit.Exchange, exchangeExists, broker = rabbit.ToString(), complete, agents = rows }, new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            AnsiConsole.MarkupLine(exchangeExists
                ? $"Exchange [bold]{Markup.Escape(rabbit.Exchange)}[/] (topic, durable) on {Markup.Escape(rabbit.ToString())}"
                : $"Exchange [bold]{Markup.Escape(rabbit.Exchange)}[/] [red]missing[/] on {Markup.Escape(rabbit.ToString())}");
            AnsiConsole.Write(table);
            if (exchangeExists)
            {
                AnsiConsole.WriteLine($"Bindings from {rabbit.Exchange}:");
                foreach (var line in bindings) AnsiConsole.WriteLine(line);
            }
            AnsiConsole.MarkupLine(complete ? "[green]The sync agents' topology is complete.[/]" : "[red]The exchange or some queues are missing: run `mofa-sync topology` without --check-only.[/]");
        }

        return complete ? 0 : 1;
    }

}
