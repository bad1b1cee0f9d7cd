using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// The dead-letter queue an operator names on the command line, one of the service's own
/// (<see cref="QueueNames.DeadLetterQueues"/>: {queue}_error and {queue}_skipped of each agent's
/// queue and of the notification queue).
/// </summary>
public static class DeadLetterQueues
{
    /// <summary>
    /// Reads what an operator typed: a full queue name (mofa-sync.course-agent_error), one without
    /// the prefix (course-agent_error), or an agent's name (course), which means its _error queue.
    /// Only the service's own dead-letter queues are accepted, so purge cannot empty another queue.
    /// </summary>
    public static string? Resolve(string prefix, string typed)
    {
        var names = QueueNames.DeadLetterQueues(prefix);
        var candidates = new[]
        {
            typed,
            $"{prefix}.{typed}",
            Enum.TryParse<SyncAgent>(typed, ignoreCase: true, out var agent) && !int.TryParse(typed, out _)
                ? QueueNames.ErrorOf(QueueNames.Agent(prefix, agent))
                : null,
            string.Equals(typed, "notifications", StringComparison.OrdinalIgnoreCase) ? QueueNames.ErrorOf(QueueNames.Notifications(prefix)) : null,
        };
        return candidates.FirstOrDefault(c => c is not null && names.Contains(c, StringComparer.Ordinal));
    }
}
