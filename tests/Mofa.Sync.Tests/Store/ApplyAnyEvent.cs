using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Tests;

/// <summary>
/// Tests hold events of many contracts as MoodleEvent: applies one with the apply rule of its runtime
/// type, as its handler would. A reconcile event has no apply rule (its handler reads Moodle): ignored.
/// </summary>
public static class ApplyAnyEvent
{
    public static Task<ApplyResult> ApplyAnyAsync(this MirrorApplier mirror, MoodleEvent e, CancellationToken ct) =>
        e is CourseContentChanged
            ? Task.FromResult(ApplyResult.Ignored("read back from Moodle by the reconcile agent"))
            : (Task<ApplyResult>)mirror.ApplyAsync((dynamic)e, ct);
}
