using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// What a site's rolling pass takes at its budget: courses × calls per course ÷ calls per second, against the period.
/// Calls per course are the current pass's (calls used ÷ courses verified) once it has verified one, else
/// <see cref="EstimatedCallsPerCourse"/>. Shared by the pass's warning, /metrics and `mofa-sync reconcile status`.
/// </summary>
public sealed record PassProjection(int Courses, double CallsPerCourse, double CallsPerSecond, TimeSpan Period)
{
    /// <summary>A course's names, its contents and one page of its participants, before a pass has measured its own.</summary>
    public const double EstimatedCallsPerCourse = 3;

    /// <summary>How long a whole pass takes at the budget.</summary>
    public TimeSpan Needed => TimeSpan.FromSeconds(Courses * CallsPerCourse / CallsPerSecond);

    /// <summary>The pass cannot verify every course within the period.</summary>
    public bool Behind => Needed > Period;

    /// <summary>The budget a pass within the period would need.</summary>
    public double CallsPerSecondNeeded => Courses * CallsPerCourse / Period.TotalSeconds;

    public static PassProjection Of(ReconcileSiteState state, TimeSpan period, double callsPerSecond)
    {
        var courses = state.PassStartedAt is null ? state.LastPassCourses : state.PassCourses;
        var perCourse = state.PassStartedAt is not null && state.Verified > 0
            ? Math.Max(1, (double)state.Counters.Calls / state.Verified)
            : EstimatedCallsPerCourse;
        return new PassProjection(courses, perCourse, callsPerSecond, period);
    }

    /// <summary>When the current pass will have verified its last course at this pace, or null when no pass runs.</summary>
    public static DateTimeOffset? ProjectedEnd(ReconcileSiteState state, PassProjection p, DateTimeOffset now) =>
        state.PassStartedAt is null
            ? null
            : now + TimeSpan.FromSeconds(Math.Max(0, state.PassCourses - state.Verified) * p.CallsPerCourse / p.CallsPerSecond);
}
