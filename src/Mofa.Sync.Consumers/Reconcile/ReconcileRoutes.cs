using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The reconcile agent's contract: the events after which Moodle fires no per-item events (its validator below). Its
/// consumer (CourseReconcileConsumer) reads the course back from Moodle; the apply rule of the
/// event itself only says so.
/// </summary>
public static class ReconcileRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<CourseContentChanged>(SyncAgent.Reconcile,
            [BridgeRoutingKeys.CourseRestored, BridgeRoutingKeys.CourseResetEnded, BridgeRoutingKeys.CourseContentDeleted, BridgeRoutingKeys.CourseBinItemRestored],
            new CourseContentChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "Moodle changed a course's content without an event per module or role (a restore, an import, a duplication, a reset, a recycle-bin restore): the mirror reads the course back from the site's web services and makes its modules, teachers and names equal to them."),
    ];
}
