using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Moodle;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Courses;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The reconcile agent's consumer: a course_restored (or another event after which Moodle fires no
/// per-item events) is parsed and validated like every bridge message, then the course is read back
/// from that site's web services and applied as a course snapshot (<see cref="CourseReconciler"/>,
/// paced per site). Moodle down, slow or answering something else than JSON: the message is
/// retried with back-off (<see cref="CourseReconcileConsumerDefinition"/>), then dead-lettered with
/// the reason. The token refused: dead-lettered at once. A course Moodle does not let the token see:
/// reported in the log and acknowledged, nothing deleted.
/// </summary>
public sealed class CourseReconcileConsumer(
    CourseReconciler reconciler,
    BridgeMessageReader reader,
    MoodleSites sites,
    SyncMetrics metrics,
    ILogger<CourseReconcileConsumer> logger) : IConsumer<BridgeMessage>
{
    public async Task Consume(ConsumeContext<BridgeMessage> context)
    {
        var parsed = reader.Read(context);
        var attempt = DeliveryAttempts.Next(context);
        if (attempt == 0) metrics.Received(parsed.Kind);
        if (parsed.Event is not CourseContentChanged e)
        {
            metrics.Outcome(parsed.Kind, "ignored");
            return;
        }

        // With no site configured (the demo) nothing is read from Moodle; a site without a token cannot be read.
        if (sites.Find(e.Site) is not { HasToken: true } site)
        {
            metrics.Outcome(parsed.Kind, "ignored");
            logger.LogWarning("{Kind} {EventId}: course {CourseId} of {Site} not read back: {Why}", parsed.Kind, e.EventId, e.CourseId, e.Site,
                sites.Find(e.Site) is null ? "no Moodle site is configured" : "the site has no web service token (Moodle:Sites)");
            return;
        }

        CourseReconciliation result;
        try
        {
            result = await reconciler.ReconcileAsync(site, e.CourseId, dryRun: false, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Reconciling course {CourseId} of {Site} after {Kind} {EventId} failed (attempt {Attempt}): {Message}",
                e.CourseId, site.Url, parsed.Kind, e.EventId, attempt + 1, ex.Message);
            throw;
        }

        metrics.Outcome(parsed.Kind, result.Outcome == CourseReconciliation.Refused ? "ignored" : "applied");
        if (result.Outcome == CourseReconciliation.Refused)
        {
            logger.LogWarning("Course {CourseId} of {Site} not reconciled, nothing deleted: {Why}", e.CourseId, site.Url, result.Detail);
        }
        else
        {
            logger.LogInformation("Course {CourseId} of {Site} reconciled after {Kind}: {Outcome}, {Differences} difference(s), {Written} written",
                e.CourseId, site.Url, parsed.Kind, result.Outcome, result.Drift.Items.Count, result.Written);
        }
    }
}
