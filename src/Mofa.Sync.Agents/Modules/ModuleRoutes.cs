using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Modules;

namespace Mofa.Sync.Agents.Modules;

/// <summary>The module agent's contracts: their routing keys, validators and apply rules.</summary>
public static class ModuleRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<CourseModuleChanged>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleCreated, BridgeRoutingKeys.CourseModuleUpdated],
            new CourseModuleChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module (activity or resource) was created or updated: the mirror upserts it. moduleName is Moodle's modname; assign, quiz and choice are kinds of their own, any other modname is kept as a resource of that type."),
        new BridgeRoute<CourseModuleDeleted>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleDeleted],
            new CourseModuleDeletedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module was deleted: the mirror deletes it (a quiz takes its questions along)."),
    ];
}
