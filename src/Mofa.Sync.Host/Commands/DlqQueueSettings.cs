using System.ComponentModel;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>Options of the dlq commands that work on one dead-letter queue.</summary>
public class DlqQueueSettings : CommonSettings
{
    [CommandArgument(0, "<QUEUE>")]
    [Description("A dead-letter queue of this service: mofa-sync.course-agent_error, course-agent_skipped, or an agent's name (course, module, user, question, notifications) for its _error queue")]
    public string Queue { get; set; } = "";

    [CommandOption("--json")]
    [Description("Print the result as JSON (for scripts)")]
    public bool Json { get; set; }

    /// <summary>The full queue name; a usage error (exit code 2) naming the accepted queues otherwise.</summary>
    public string ResolveQueue(MofaSyncSettings settings)
    {
        var prefix = settings.RabbitMq.QueuePrefix;
        return DeadLetterQueues.Resolve(prefix, Queue)
            ?? throw new SettingsException(
                $"'{Queue}' is not a dead-letter queue of this service; use one of: {string.Join(", ", QueueNames.DeadLetterQueues(prefix))}");
    }

    /// <summary>Says the queue does not exist (nothing has failed there yet); returns that case's exit code.</summary>
    public static int ReportMissing(string queue)
    {
        Console.Error.WriteLine($"mofa-sync: the queue {queue} does not exist (nothing has failed there yet)");
        return 1;
    }
}

/// <summary>Options of the dlq commands that take a subset of a queue's messages.</summary>
public class DlqFilterSettings : DlqQueueSettings
{
    [CommandOption("--reason <TEXT>")]
    [Description("Only messages whose reason (exception type and message) contains TEXT, ignoring case")]
    public string? Reason { get; set; }
}
