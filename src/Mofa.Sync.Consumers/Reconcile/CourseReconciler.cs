using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Mirror.Snapshots;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>What reconciling one course did, and the web service calls it took.</summary>
public sealed record CourseReconciliation(string Site, long CourseId, string Outcome, SnapshotDrift Drift, int Written, string? Detail)
{
    public const string InSync = "insync", Repaired = "repaired", DriftFound = "driftfound", Gone = "gone", Refused = "refused", DeletedSince = "deletedsince", NotFound = "notfound";

    public bool HasDrift => Drift.Any;

    public int Calls { get; init; }

    /// <summary>The figures a pass counts: differences by kind (a teacher's profile counts with the teachers), written unless a dry run.</summary>
    public CourseVerification Figures()
    {
        var found = new DriftCounts(
            Drift.Items.Count(i => i.Collection == MirrorCollection.Courses),
            Drift.Items.Count(i => i.Collection == MirrorCollection.Modules),
            Drift.Items.Count(i => i.Collection is MirrorCollection.TeacherRoles or MirrorCollection.Users),
            Drift.Items.Count(i => i.Collection == MirrorCollection.Quizzes));
        return new CourseVerification(Calls, Failed: Outcome == Refused, found, Outcome is Repaired or Gone ? found : DriftCounts.Zero);
    }
}

/// <summary>
/// Reconciles one course: reads it from Moodle (<see cref="MoodleCourseReader"/>), then applies it
/// as a course snapshot (<see cref="CourseSnapshotRule"/>), or only compares it (dry run). The
/// read finishes before anything is written, so a failing read leaves the mirror as it was.
/// Read failures (Moodle down, token refused, not JSON) are thrown to the caller. A course reconciled (not a dry run)
/// counts as verified for the site's rolling reconcile, whoever reconciled it (<see cref="IReconcileStateStore.RecordVerifiedAsync"/>).
/// </summary>
public sealed class CourseReconciler(MoodleCourseReader reader, CourseSnapshotRule rule, SitePacer pacer, ReconcileMetrics metrics, IReconcileStateStore state, TimeProvider clock)
{
    /// <param name="rolling">The rolling pass's work: its calls yield the site's budget to everyone else's.</param>
    public async Task<CourseReconciliation> ReconcileAsync(MoodleSite site, long courseId, bool dryRun, CancellationToken ct, bool rolling = false)
    {
        using var slot = await pacer.CourseSlotAsync(site.Url, ct);
        var work = ReconcileWork.Begin(rolling);
        CourseReconciliation result;
        try
        {
            var read = await reader.ReadCourseAsync(site, courseId, ct);
            result = read switch
            {
                CourseRead.Complete c => From(site, courseId, await rule.ApplyAsync(c.Snapshot, dryRun, ct), null),
                CourseRead.Gone g => From(site, courseId, await rule.ApplyCourseGoneAsync(g.Site, g.CourseId, g.TakenAt, dryRun, ct), g.Detail, gone: true),
                CourseRead.Refused r => new CourseReconciliation(site.Url, courseId, CourseReconciliation.Refused, SnapshotDrift.None, 0, r.Reason),
                _ => throw new InvalidOperationException($"unknown read {read.GetType().Name}"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Shown by /health/ready and `mofa-sync health`: printable whatever threw it.
            metrics.CourseFailed(PlainText.Escape(ex.Message));
            metrics.Calls(site.Url, rolling, work.Calls);
            throw;
        }

        result = result with { Calls = work.Calls };
        metrics.Course(result.Outcome, result.Drift.Items.Select(i => (i.Collection, i.Kind.ToString().ToLowerInvariant())));
        metrics.Calls(site.Url, rolling, work.Calls);
        if (!dryRun) await state.RecordVerifiedAsync(site.Url, courseId, clock.GetUtcNow(), result.Figures(), ct);
        return result;
    }

    private static CourseReconciliation From(MoodleSite site, long courseId, SnapshotOutcome o, string? detail, bool gone = false) => new(
        site.Url, courseId,
        o.Status switch
        {
            SnapshotStatus.InSync => CourseReconciliation.InSync,
            SnapshotStatus.DeletedSince => CourseReconciliation.DeletedSince,
            SnapshotStatus.NotFound => CourseReconciliation.NotFound,
            _ when gone => CourseReconciliation.Gone,
            SnapshotStatus.DriftFound => CourseReconciliation.DriftFound,
            _ => CourseReconciliation.Repaired,
        },
        o.Drift, o.Written, o.Detail ?? detail);
}
