namespace Mofa.Sync.Mirror.Reconciling;

/// <summary>
/// One site's rolling reconcile as the store holds it: who leads it, the current pass and the last full one.
/// <see cref="Verified"/> counts the courses of the current pass verified since it started (by the pass or by events);
/// <see cref="PassCourses"/> the courses in the site's list (those an event added during the pass included). Both are 0
/// when no pass runs (<see cref="PassStartedAt"/> null).
/// </summary>
public sealed record ReconcileSiteState(
    string Site,
    string? LeaseHolder,
    DateTimeOffset? LeaseUntil,
    TimeSpan? Period,
    DateTimeOffset? PassStartedAt,
    int PassCourses,
    int Verified,
    PassCounters Counters,
    DateTimeOffset? LastPassStartedAt,
    DateTimeOffset? LastPassEndedAt,
    int LastPassCourses);

/// <summary>What a pass has done so far: calls used, courses that failed, differences found and repaired by kind.</summary>
public sealed record PassCounters(long Calls, int Failed, DriftCounts Found, DriftCounts Repaired)
{
    public static readonly PassCounters Zero = new(0, 0, DriftCounts.Zero, DriftCounts.Zero);
}

/// <summary>Differences by the kind an operator reads: a course's names, its modules, its teachers, its quizzes' question lists.</summary>
public sealed record DriftCounts(int Courses, int Modules, int Teachers, int QuizLists)
{
    public static readonly DriftCounts Zero = new(0, 0, 0, 0);

    public DriftCounts Plus(DriftCounts o) => new(Courses + o.Courses, Modules + o.Modules, Teachers + o.Teachers, QuizLists + o.QuizLists);

    public int Total => Courses + Modules + Teachers + QuizLists;
}

/// <summary>One course's verification: the calls it used, whether it failed, the differences found and those written.</summary>
public sealed record CourseVerification(int Calls, bool Failed, DriftCounts Found, DriftCounts Repaired);
