using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>The `dlq` branch of the command line: inspect, replay and purge the dead-letter queues.</summary>
public static class DlqBranch
{
    public static void AddDlqBranch(this IConfigurator config) =>
        config.AddBranch("dlq", dlq =>
        {
            dlq.SetDescription("Inspect, replay, edit and purge the service's _error and _skipped queues");
            dlq.AddCommand<DlqListCommand>("list")
                .WithDescription("Every _error and _skipped queue with its messages grouped by the rule their reason states (values taken out), and the age of the oldest");
            dlq.AddCommand<DlqShowCommand>("show")
                .WithDescription("Messages at the head of a queue: event id, routing key, reason, retries, when it failed, body. Removes nothing");
            dlq.AddCommand<DlqReplayCommand>("replay").WithDescription(DlqReplayCommand.Help);
            dlq.AddCommand<DlqPurgeCommand>("purge").WithDescription(DlqPurgeCommand.Help);
            dlq.AddCommand<DlqEditCommand>("edit").WithDescription(DlqEditCommand.Help);
        });
}
