using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// The service's dead-letter queues: for each agent queue ({prefix}.course-agent, …) MassTransit's
/// {queue}_error (faulted messages) and {queue}_skipped (messages no consumer took); the same for
/// the notification queue ({prefix}.notifications: deliveries Moodle refused or never answered).
/// </summary>
public static class DeadLetterQueues
{
    public const string ErrorSuffix = "_error";
    public const string SkippedSuffix = "_skipped";

    /// <summary>Every dead-letter queue the service can have, whether it exists yet or not.</summary>
    public static IReadOnlyList<string> NamesFor(string prefix) =>
        Enum.GetValues<SyncAgent>()
            .Select(agent => QueueNames.Agent(prefix, agent))
            .Append(NotificationTopology.QueueName(prefix))
            .SelectMany(queue => new[] { queue + ErrorSuffix, queue + SkippedSuffix })
            .ToList();

    /// <summary>The agent queue a dead-letter queue belongs to (x_error → x).</summary>
    public static string SourceQueueOf(string deadLetterQueue)
    {
        foreach (var suffix in new[] { ErrorSuffix, SkippedSuffix })
        {
            if (deadLetterQueue.EndsWith(suffix, StringComparison.Ordinal)) return deadLetterQueue[..^suffix.Length];
        }

        return deadLetterQueue;
    }

    /// <summary>
    /// Reads what an operator typed: a full queue name (mofa-sync.course-agent_error), one without
    /// the prefix (course-agent_error), or an agent's name (course), which means its _error queue.
    /// Only the service's own dead-letter queues are accepted, so purge cannot empty another queue.
    /// </summary>
    public static string? Resolve(string prefix, string typed)
    {
        var names = NamesFor(prefix);
        var candidates = new[]
        {
            typed,
            $"{prefix}.{typed}",
            Enum.TryParse<SyncAgent>(typed, ignoreCase: true, out var agent) && !int.TryParse(typed, out _)
                ? QueueNames.Agent(prefix, agent) + ErrorSuffix
                : null,
            string.Equals(typed, "notifications", StringComparison.OrdinalIgnoreCase) ? NotificationTopology.ErrorQueueName(prefix) : null,
        };
        return candidates.FirstOrDefault(c => c is not null && names.Contains(c, StringComparer.Ordinal));
    }
}
