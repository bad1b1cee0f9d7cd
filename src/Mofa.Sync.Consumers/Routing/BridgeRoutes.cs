using Mofa.Sync.Consumers.Courses;
using Mofa.Sync.Consumers.Modules;
using Mofa.Sync.Consumers.Questions;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Users;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Routing;

/// <summary>
/// The one registry of the bridge contract, built from each slice's declaration: which contract a
/// routing key carries, which agent's queue is bound to it, its validator and its apply rule. The
/// parser, the validators, the queue bindings, the schema generation and the docs' tests all read it.
/// A new slice adds its Declare() here (BridgeRegistryTests fails for a contract no slice declares).
/// </summary>
public static class BridgeRoutes
{
    public sealed record Route(string RoutingKey, Type Contract, SyncAgent Agent);

    /// <summary>The slices' declarations, one per contract, in the order of the agents.</summary>
    public static readonly IReadOnlyList<BridgeRoute> Declared =
    [
        .. CourseRoutes.Declare(),
        .. ModuleRoutes.Declare(),
        .. UserRoutes.Declare(),
        .. QuestionRoutes.Declare(),
        .. ReconcileRoutes.Declare(),
    ];

    /// <summary>Every routing key with its contract and agent.</summary>
    public static readonly IReadOnlyList<Route> All =
        Declared.SelectMany(d => d.RoutingKeys.Select(k => new Route(k, d.Contract, d.Agent))).ToList();

    private static readonly Dictionary<string, Route> ByKey = All.ToDictionary(r => r.RoutingKey, StringComparer.Ordinal);

    private static readonly Dictionary<Type, BridgeRoute> ByContract = Declared.ToDictionary(d => d.Contract);

    public static Route? Find(string? routingKey) =>
        routingKey is not null && ByKey.TryGetValue(routingKey, out var route) ? route : null;

    /// <summary>The declaration of <paramref name="contract"/>; every contract the parser produces has one.</summary>
    public static BridgeRoute Of(Type contract)
    {
        return ByContract.TryGetValue(contract, out var declared)
            ? declared
            : throw new ArgumentException($"no slice declares a route for {contract.Name}", nameof(contract));
    }

    public static IEnumerable<string> RoutingKeysOf(SyncAgent agent) =>
        All.Where(r => r.Agent == agent).Select(r => r.RoutingKey);

    /// <summary>The agent's queue: {prefix}.course-agent, …; its dead letters go to {queue}_error.</summary>
    public static string QueueName(string prefix, SyncAgent agent) => $"{prefix}.{agent.ToString().ToLowerInvariant()}-agent";

    private const string QueueSuffix = "-agent";

    /// <summary>The agent whose queue <paramref name="queue"/> is (<see cref="QueueName"/> read back), or null for any other queue.</summary>
    public static SyncAgent? AgentOfQueue(string queue)
    {
        var name = queue[(queue.LastIndexOf('.') + 1)..];
        if (!name.EndsWith(QueueSuffix, StringComparison.Ordinal)) return null;
        return Enum.GetValues<SyncAgent>().Cast<SyncAgent?>()
            .FirstOrDefault(a => name.Equals(a.ToString()!.ToLowerInvariant() + QueueSuffix, StringComparison.Ordinal));
    }
}
