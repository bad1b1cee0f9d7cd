using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror.Snapshots;

namespace Mofa.Sync.Mirror;

/// <summary>
/// What of a Moodle site the mirror keeps: course content. Left out, whatever a bridge sends and
/// whatever a reconcile reads back: the site's front page (course 1, Moodle's SITEID, whose events
/// arrive like any course's) and the modules listed in Sync:ExcludedModules (default qbank:
/// Moodle 5.0's question banks are modules that report FEATURE_CAN_DISPLAY false,
/// mod/qbank/lib.php, one hidden per course). One list for the agents and the reconcile
/// (the service builds it from Sync:ExcludedModules).
/// </summary>
public sealed class CourseContentScope(IEnumerable<string> excludedModules)
{
    /// <summary>Moodle's SITEID: the front page is stored as course 1 (lib/setup.php).</summary>
    public const long FrontPageCourseId = 1;

    private readonly HashSet<string> _excluded = new(excludedModules, StringComparer.Ordinal);

    /// <summary>Why the event is not about course content, or null when the mirror takes it.</summary>
    public string? Excludes(MoodleEvent e)
    {
        if (CourseOf(e) == FrontPageCourseId) return "course 1 is the site's front page, not a course of the mirror";
        var module = e switch
        {
            CourseModuleChanged m => m.ModuleName,
            CourseModuleDeleted m => m.ModuleName,
            _ => null,
        };
        return module is not null && _excluded.Contains(module)
            ? $"module '{module}' is not course content (Sync:ExcludedModules)"
            : null;
    }

    /// <summary>The modules of a course read back from Moodle that are course content.</summary>
    public List<SnapshotModule> Keep(IEnumerable<SnapshotModule> modules) =>
        modules.Where(m => !_excluded.Contains(m.ModuleName)).ToList();

    private static long? CourseOf(MoodleEvent e) => e switch
    {
        CourseChanged c => c.CourseId,
        CourseDeleted c => c.CourseId,
        CourseContentChanged c => c.CourseId,
        CourseModuleChanged m => m.CourseId,
        CourseModuleDeleted m => m.CourseId,
        QuizQuestionsChanged q => q.CourseId,
        RoleAssigned r => r.CourseId,
        RoleUnassigned r => r.CourseId,
        _ => null,
    };
}
