using Mofa.Sync.Mirror.Snapshots;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>What reconciling one course did.</summary>
public sealed record CourseReconciliation(string Site, long CourseId, string Outcome, SnapshotDrift Drift, int Written, string? Detail)
{
    public const string InSync = "insync", Repaired = "repaired", DriftFound = "driftfound", Gone = "gone", Refused = "refused", DeletedSince = "deletedsince", NotFound = "notfound";

    public bool HasDrift => Drift.Any;
}

/// <summary>
/// Reconciles one course: reads it from Moodle (<see cref="MoodleCourseReader"/>), then applies it
/// as a course snapshot (<see cref="CourseSnapshotRule"/>), or only compares it (dry run). The
/// read finishes before anything is written, so a failing read leaves the mirror as it was.
/// Read failures (Moodle down, token refused, not JSON) are thrown to the caller.
/// </summary>
public sealed class CourseReconciler(MoodleCourseReader reader, CourseSnapshotRule rule, SitePacer pacer, ReconcileMetrics metrics)
{
    public async Task<CourseReconciliation> ReconcileAsync(MoodleSite site, long courseId, bool dryRun, CancellationToken ct)
    {
        using var slot = await pacer.CourseSlotAsync(site.Url, ct);
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
            throw;
        }

        metrics.Course(result.Outcome, result.Drift.Items.Select(i => (i.Collection, i.Kind.ToString().ToLowerInvariant())));
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
