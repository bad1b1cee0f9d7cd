using System.Text.RegularExpressions;
using FluentValidation;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Modules;

/// <summary>The module agent's contracts: their routing keys, validators (below) and apply rules.</summary>
public static class ModuleRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<CourseModuleChanged>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleCreated, BridgeRoutingKeys.CourseModuleUpdated],
            new CourseModuleChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module (activity or resource) was created or updated: the mirror upserts it. moduleName is Moodle's modname; assign, quiz and choice are kinds of their own, any other modname is kept as a resource of that type. A module listed in Sync:ExcludedModules (default qbank: not course content) or of course 1 (the front page) is acknowledged and ignored."),
        new BridgeRoute<CourseModuleDeleted>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleDeleted],
            new CourseModuleDeletedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module was deleted: the mirror deletes it (a quiz takes its questions along)."),
    ];
}
