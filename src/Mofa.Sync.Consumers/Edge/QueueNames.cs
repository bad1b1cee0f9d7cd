using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// The names of the service's queues, all derived from RabbitMq:QueuePrefix: one per agent
/// ({prefix}.course-agent, …), the notification queue ({prefix}.notifications), and beside each
/// MassTransit's {queue}_error (faulted messages) and {queue}_skipped (messages no consumer took).
/// They are wire names (operators, alerts and `mofa-sync dlq` use them): written here only.
/// </summary>
public static class QueueNames
{
    public const string ErrorSuffix = "_error";
    public const string SkippedSuffix = "_skipped";

    private const string AgentSuffix = "-agent";
    private const string NotificationsSuffix = ".notifications";

    /// <summary>The agent's queue: {prefix}.course-agent, …</summary>
    public static string Agent(string prefix, SyncAgent agent) => $"{prefix}.{agent.ToString().ToLowerInvariant()}{AgentSuffix}";

    /// <summary>Every agent's queue, in the order of the agents.</summary>
    public static IReadOnlyList<string> Agents(string prefix) =>
        Enum.GetValues<SyncAgent>().Select(agent => Agent(prefix, agent)).ToList();

    /// <summary>The agent whose queue <paramref name="queue"/> is (<see cref="Agent"/> read back), or null for any other queue.</summary>
    public static SyncAgent? AgentOf(string queue)
    {
        var name = queue[(queue.LastIndexOf('.') + 1)..];
        if (!name.EndsWith(AgentSuffix, StringComparison.Ordinal)) return null;
        return Enum.GetValues<SyncAgent>().Cast<SyncAgent?>()
            .FirstOrDefault(a => name.Equals(a.ToString()!.ToLowerInvariant() + AgentSuffix, StringComparison.Ordinal));
    }

    /// <summary>The sync's own notification consumer's queue, {prefix}.notifications, bound to the notification exchange like any subscriber's.</summary>
    public static string Notifications(string prefix) => prefix + NotificationsSuffix;

    /// <summary>Whether <paramref name="path"/> (a queue name, or an address's path) ends in a notification queue, whatever its prefix.</summary>
    public static bool IsNotifications(string path) => path.EndsWith(NotificationsSuffix, StringComparison.Ordinal);

    /// <summary>The queues messages are consumed from: one per agent, and the notification queue.</summary>
    public static IReadOnlyList<string> WorkQueues(string prefix) => [.. Agents(prefix), Notifications(prefix)];

    /// <summary>Where <paramref name="queue"/>'s faulted messages go: {queue}_error.</summary>
    public static string ErrorOf(string queue) => queue + ErrorSuffix;

    /// <summary>Where MassTransit moves <paramref name="queue"/>'s messages no consumer took: {queue}_skipped.</summary>
    public static string SkippedOf(string queue) => queue + SkippedSuffix;

    /// <summary>Every dead-letter queue the service can have, whether it exists yet or not.</summary>
    public static IReadOnlyList<string> DeadLetterQueues(string prefix) =>
        WorkQueues(prefix).SelectMany(queue => new[] { ErrorOf(queue), SkippedOf(queue) }).ToList();

    /// <summary>The queue a dead-letter queue belongs to (x_error → x, x_skipped → x); any other name as it is.</summary>
    public static string SourceOf(string deadLetterQueue)
    {
        foreach (var suffix in new[] { ErrorSuffix, SkippedSuffix })
        {
            if (deadLetterQueue.EndsWith(suffix, StringComparison.Ordinal)) return deadLetterQueue[..^suffix.Length];
        }

        return deadLetterQueue;
    }
}
