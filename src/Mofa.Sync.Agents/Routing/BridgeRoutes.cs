using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Agents.Routing;

/// <summary>
/// The one place where routing keys meet the code: which contract a routing key carries and
/// which agent's queue is bound to it. Topology, parsing and the docs all read this table.
/// </summary>
public static class BridgeRoutes
{
    public sealed record Route(string RoutingKey, Type Contract, SyncAgent Agent);

    public static readonly IReadOnlyList<Route> All =
    [
        new(BridgeRoutingKeys.CourseCreated, typeof(CourseChanged), SyncAgent.Course),
        new(BridgeRoutingKeys.CourseUpdated, typeof(CourseChanged), SyncAgent.Course),
        new(BridgeRoutingKeys.CourseDeleted, typeof(CourseDeleted), SyncAgent.Course),
        new(BridgeRoutingKeys.CourseModuleCreated, typeof(CourseModuleChanged), SyncAgent.Module),
        new(BridgeRoutingKeys.CourseModuleUpdated, typeof(CourseModuleChanged), SyncAgent.Module),
        new(BridgeRoutingKeys.CourseModuleDeleted, typeof(CourseModuleDeleted), SyncAgent.Module),
        new(BridgeRoutingKeys.RoleAssigned, typeof(RoleAssigned), SyncAgent.User),
        new(BridgeRoutingKeys.RoleUnassigned, typeof(RoleUnassigned), SyncAgent.User),
        new(BridgeRoutingKeys.UserUpdated, typeof(UserUpdated), SyncAgent.User),
        new(BridgeRoutingKeys.UserDeleted, typeof(UserDeleted), SyncAgent.User),
        new(BridgeRoutingKeys.QuizQuestionsChanged, typeof(QuizQuestionsChanged), SyncAgent.Question),
        new(BridgeRoutingKeys.CourseRestored, typeof(CourseContentChanged), SyncAgent.Reconcile),
        new(BridgeRoutingKeys.CourseResetEnded, typeof(CourseContentChanged), SyncAgent.Reconcile),
        new(BridgeRoutingKeys.CourseContentDeleted, typeof(CourseContentChanged), SyncAgent.Reconcile),
        new(BridgeRoutingKeys.CourseBinItemRestored, typeof(CourseContentChanged), SyncAgent.Reconcile),
    ];

    private static readonly Dictionary<string, Route> ByKey = All.ToDictionary(r => r.RoutingKey, StringComparer.Ordinal);

    public static Route? Find(string? routingKey) =>
        routingKey is not null && ByKey.TryGetValue(routingKey, out var route) ? route : null;

    public static IEnumerable<string> RoutingKeysOf(SyncAgent agent) =>
        All.Where(r => r.Agent == agent).Select(r => r.RoutingKey);

    /// <summary>The agent's queue: {prefix}.course-agent, …; its dead letters go to {queue}_error.</summary>
    public static string QueueName(string prefix, SyncAgent agent) => $"{prefix}.{agent.ToString().ToLowerInvariant()}-agent";
}
