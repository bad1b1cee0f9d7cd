using System.Globalization;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The rolling reconcile of one site (Moodle:Sites:{n}:Reconcile:Period): one pass per period over every course
/// Moodle lists and every course the mirror holds for the site, least recently verified first, each reconciled as
/// a course snapshot (<see cref="CourseReconciler"/>: no teacher is messaged). One instance leads a site's pass at a
/// time (a lease in the store, renewed while it works); the pass's state is in the store, so the instance that takes
/// the lease over after a crash goes on where the pass was, and only the course in flight is read twice. Its calls
/// take the site's budget only where event-driven reconciles leave it free (<see cref="SitePacer"/>).
/// </summary>
public sealed class RollingReconcile(
    MoodleCourseReader reader,
    CourseReconciler reconciler,
    IReconcileStateStore state,
    IMirrorStore mirror,
    ReconcileOptions options,
    RollingReconcileMetrics metrics,
    ReconcileMetrics reconcileMetrics,
    TimeProvider clock,
    ILogger<RollingReconcile> logger)
{
    /// <summary>This process in a lease: host, process id and a random part (a process id is reused after a restart).</summary>
    public string Holder { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Runs the site's passes until <paramref name="ct"/> is cancelled, then gives the lease up.</summary>
    public async Task RunAsync(MoodleSite site, TimeSpan period, CancellationToken ct)
    {
        var failures = 0;
        var attempts = new Dictionary<long, int>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await StepAsync(site, period, attempts, ct);
                    failures = 0;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Moodle down, the token refused, the store away: the pass waits where it is and tries again.
                    var delay = Backoff(++failures);
                    logger.LogWarning("Rolling reconcile of {Site} paused: {Reason}; trying again in {Delay}",
                        site.Url, PlainText.Escape(site.Redact(ex.Message)), delay);
                    await Task.Delay(delay, clock, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            metrics.Leading(site.Url, false);
            await GiveUpLeaseAsync(site);
        }
    }

    private async Task StepAsync(MoodleSite site, TimeSpan period, Dictionary<long, int> attempts, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var leading = await state.TryLeaseAsync(site.Url, Holder, now, options.LeaseTime, ct);
        metrics.Leading(site.Url, leading);
        if (!leading)
        {
            await Task.Delay(RenewEvery, clock, ct);
            return;
        }

        var current = await state.GetAsync(site.Url, ct);
        if (current?.PassStartedAt is null)
        {
            var next = current?.LastPassStartedAt + period ?? now;
            if (next > now)
            {
                // Between two passes: keep the lead, so the next pass starts on time and in one place.
                await Task.Delay(Min(next - now, RenewEvery), clock, ct);
                return;
            }

            await StartPassAsync(site, period, ct);
            return;
        }

        var course = await state.NextCourseAsync(site.Url, ct);
        if (course is null)
        {
            await EndPassAsync(site, current, ct);
            return;
        }

        await VerifyAsync(site, course.Value, attempts, ct);
    }

    private async Task StartPassAsync(MoodleSite site, TimeSpan period, CancellationToken ct)
    {
        var work = ReconcileWork.Begin(rolling: true);
        // Moodle's list holds the courses created while the bridge was down; the mirror's, those Moodle no longer has.
        var inMoodle = await reader.ListCourseIdsAsync(site, ct);
        var inMirror = (await mirror.ReadAllAsync(MirrorCollection.Courses, ct))
            .Where(d => d.Site == site.Url && !d.Deleted && d.CourseId is > 1)
            .Select(d => d.CourseId!.Value)
            .ToHashSet();
        var courses = inMoodle.Union(inMirror).Order().ToList();
        reconcileMetrics.Calls(site.Url, rolling: true, work.Calls);
        if (!await state.StartPassAsync(site.Url, Holder, courses, period, work.Calls, clock.GetUtcNow(), ct)) return;

        var onlyInMirror = courses.Count - inMoodle.Count;
        logger.LogInformation("Rolling reconcile of {Site}: a pass over {Courses} course(s) started ({InMoodle} listed by Moodle, {OnlyInMirror} only in the mirror), period {Period}",
            site.Url, courses.Count, inMoodle.Count, onlyInMirror, period);
        var projection = new PassProjection(courses.Count, PassProjection.EstimatedCallsPerCourse, options.CallsPerSecond, period);
        if (projection.Behind) WarnBehind(logger, site.Url, projection);
    }

    /// <summary>The warning of a pass that cannot keep up, with its figures and what it would need.</summary>
    public static void WarnBehind(ILogger logger, string site, PassProjection p) =>
        logger.LogWarning(
            "Rolling reconcile of {Site} cannot verify every course within its period: {Courses} course(s) × {CallsPerCourse:0.#} call(s) per course ÷ {CallsPerSecond:0.##} call(s)/s (Reconcile:CallsPerSecond) = {Needed} per pass, longer than the period {Period}; set the period to at least {Needed} or the budget to {CallsPerSecondNeeded:0.##} call(s)/s",
            site, p.Courses, p.CallsPerCourse, p.CallsPerSecond, Round(p.Needed), p.Period, Round(p.Needed), p.CallsPerSecondNeeded);

    private async Task EndPassAsync(MoodleSite site, ReconcileSiteState current, CancellationToken ct)
    {
        if (!await state.EndPassAsync(site.Url, Holder, clock.GetUtcNow(), ct)) return;
        var c = current.Counters;
        logger.LogInformation(
            "Rolling reconcile of {Site}: the pass over {Courses} course(s) ended after {Duration}: {Found} difference(s) found ({FoundCourses} course, {FoundModules} module, {FoundTeachers} teacher, {FoundQuizLists} quiz list), {Repaired} repaired, {Failed} course(s) failed, {Calls} call(s)",
            site.Url, current.PassCourses, Round(clock.GetUtcNow() - current.PassStartedAt!.Value), c.Found.Total, c.Found.Courses, c.Found.Modules, c.Found.Teachers, c.Found.QuizLists,
            c.Repaired.Total, c.Failed, c.Calls);
    }

    private async Task VerifyAsync(MoodleSite site, long courseId, Dictionary<long, int> attempts, CancellationToken ct)
    {
        using var keeping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keeper = KeepLeaseAsync(site, keeping.Token);
        try
        {
            var result = await reconciler.ReconcileAsync(site, courseId, dryRun: false, ct, rolling: true);
            attempts.Remove(courseId);
            if (result.HasDrift || result.Outcome is CourseReconciliation.Refused or CourseReconciliation.Gone)
            {
                logger.LogInformation("Rolling reconcile of {Site}: course {CourseId} {Outcome}, {Differences} difference(s), {Written} written{Detail}",
                    site.Url, courseId, result.Outcome, result.Drift.Items.Count, result.Written, result.Detail is null ? "" : ": " + PlainText.Escape(result.Detail));
            }
        }
        catch (MoodleUnavailableException ex) when (!ct.IsCancellationRequested)
        {
            var tried = attempts[courseId] = attempts.GetValueOrDefault(courseId) + 1;
            if (tried <= options.RetryLimit) throw;

            // This course keeps failing while the pass can go on: counted as failed in this pass, tried again in the next.
            attempts.Remove(courseId);
            await state.RecordVerifiedAsync(site.Url, courseId, clock.GetUtcNow(), new CourseVerification(0, Failed: true, DriftCounts.Zero, DriftCounts.Zero), ct);
            logger.LogWarning("Rolling reconcile of {Site}: course {CourseId} failed {Attempts} time(s), left for the next pass: {Reason}",
                site.Url, courseId, options.RetryLimit + 1, PlainText.Escape(site.Redact(ex.Message)));
        }
        finally
        {
            await keeping.CancelAsync();
            await keeper;
        }
    }

    /// <summary>Renews the lease while a course is read, so a long course never lets another instance take the pass over.</summary>
    private async Task KeepLeaseAsync(MoodleSite site, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RenewEvery, clock, ct);
                await state.TryLeaseAsync(site.Url, Holder, clock.GetUtcNow(), options.LeaseTime, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Rolling reconcile of {Site}: the lease could not be renewed: {Reason}", site.Url, PlainText.Escape(ex.Message));
        }
    }

    private async Task GiveUpLeaseAsync(MoodleSite site)
    {
        try
        {
            await state.ReleaseLeaseAsync(site.Url, Holder, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease then runs out by itself.
            logger.LogDebug("Rolling reconcile of {Site}: the lease was not given up: {Reason}", site.Url, PlainText.Escape(ex.Message));
        }
    }

    private TimeSpan RenewEvery => options.LeaseTime / 3;

    private TimeSpan Backoff(int failures) =>
        Min(options.RetryMaxInterval, options.RetryMinInterval * Math.Pow(2, Math.Min(failures - 1, 20)));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromSeconds(Math.Ceiling(t.TotalSeconds));
}
