using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>The agents' queue names.</summary>
public static class QueueNames
{
    private const string AgentSuffix = "-agent";

    /// <summary>The agent's queue: {prefix}.course-agent, …; its dead letters go to {queue}_error.</summary>
    public static string Agent(string prefix, SyncAgent agent) => $"{prefix}.{agent.ToString().ToLowerInvariant()}{AgentSuffix}";

    /// <summary>The agent whose queue <paramref name="queue"/> is (<see cref="Agent"/> read back), or null for any other queue.</summary>
    public static SyncAgent? AgentOfQueue(string queue)
    {
        var name = queue[(queue.LastIndexOf('.') + 1)..];
        if (!name.EndsWith(AgentSuffix, StringComparison.Ordinal)) return null;
        return Enum.GetValues<SyncAgent>().Cast<SyncAgent?>()
            .FirstOrDefault(a => name.Equals(a.ToString()!.ToLowerInvariant() + AgentSuffix, StringComparison.Ordinal));
    }
}
