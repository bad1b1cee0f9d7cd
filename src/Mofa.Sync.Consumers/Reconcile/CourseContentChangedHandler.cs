using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Mirror;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The reconcile agent's handler: after a course_restored (or another event after which Moodle fires
/// no per-item events) the course is read back from that site's web services and applied as a course
/// snapshot (<see cref="CourseReconciler"/>, paced per site). Moodle down, slow or answering something
/// else than JSON: thrown, retried with Reconcile's back-off (Edge/RetryPolicies.cs), then
/// dead-lettered with the reason. The token refused: dead-lettered at once. A course Moodle does not
/// let the token see: reported in the log and acknowledged, nothing deleted.
/// </summary>
public sealed class CourseContentChangedHandler(
    CourseReconciler reconciler,
    MoodleSites sites,
    ILogger<CourseContentChangedHandler> logger) : IBridgeEventHandler<CourseContentChanged>
{
    public async Task<ApplyResult> HandleAsync(CourseContentChanged message, CancellationToken ct)
    {
        // With no site configured (the demo) nothing is read from Moodle; a site without a token cannot be read.
        if (sites.Find(message.Site) is not { HasToken: true } site)
        {
            var why = sites.Find(message.Site) is null ? "no Moodle site is configured" : "the site has no web service token (Moodle:Sites)";
            logger.LogWarning("{EventName} {EventId}: course {CourseId} of {Site} not read back: {Why}",
                message.EventName, message.EventId, message.CourseId, message.Site, why);
            return ApplyResult.Ignored(why);
        }

        var result = await reconciler.ReconcileAsync(site, message.CourseId, dryRun: false, ct);
        if (result.Outcome == CourseReconciliation.Refused)
        {
            logger.LogWarning("Course {CourseId} of {Site} not reconciled, nothing deleted: {Why}", message.CourseId, site.Url, result.Detail);
            return ApplyResult.Ignored(result.Detail ?? "refused");
        }

        logger.LogInformation("Course {CourseId} of {Site} reconciled after {EventName}: {Outcome}, {Differences} difference(s), {Written} written",
            message.CourseId, site.Url, message.EventName, result.Outcome, result.Drift.Items.Count, result.Written);
        return new ApplyResult(ApplyOutcome.Applied, result.Outcome);
    }
}
