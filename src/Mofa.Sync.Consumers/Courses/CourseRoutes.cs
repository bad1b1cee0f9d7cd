using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Courses;

/// <summary>The course agent's contracts: their routing keys, validators (below) and apply rules.</summary>
public static class CourseRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<CourseChanged>(SyncAgent.Course,
            [BridgeRoutingKeys.CourseCreated, BridgeRoutingKeys.CourseUpdated],
            new CourseChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course was created or updated: the mirror upserts it."),
        new BridgeRoute<CourseDeleted>(SyncAgent.Course,
            [BridgeRoutingKeys.CourseDeleted],
            new CourseDeletedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course was deleted: the mirror deletes it with its modules, its teacher roles and its quiz questions."),
    ];
}
