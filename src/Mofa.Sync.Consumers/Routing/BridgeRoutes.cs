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

    // Set before the slices build their validators: they capture their field names when constructed.
    private static readonly bool NamesAsInJson = BridgeValidators.UseJsonFieldNames();

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
        _ = NamesAsInJson;
        return ByContract.TryGetValue(contract, out var declared)
            ? declared
            : throw new ArgumentException($"no slice declares a route for {contract.Name}", nameof(contract));
    }

    public static IEnumerable<string> RoutingKeysOf(SyncAgent agent) =>
        All.Where(r => r.Agent == agent).Select(r => r.RoutingKey);

    // forwards to QueueNames; the lead removes it
    public static string QueueName(string prefix, SyncAgent agent) => Edge.QueueNames.Agent(prefix, agent);

    // forwards to QueueNames; the lead removes it
    public static SyncAgent? AgentOfQueue(string queue) => Edge.QueueNames.AgentOf(queue);
}
