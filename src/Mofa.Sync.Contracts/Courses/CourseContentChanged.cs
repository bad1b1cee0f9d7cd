using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Courses;

/// <summary>
/// core.course_restored, core.course_reset_ended, core.course_content_deleted and
/// tool_recyclebin.course_bin_item_restored: Moodle changed a course's content without an event
/// per item (a restore, an import, a duplication, a reset, a recycle-bin restore). The reconcile
/// agent reads the course back from the site's web services and applies it as a course snapshot.
/// </summary>
[Description("Moodle changed a course's content without an event per module or role (a restore, an import, a duplication, a reset, a recycle-bin restore): the mirror reads the course back from the site's web services and makes its modules, teachers and names equal to them.")]
public sealed record CourseContentChanged : MoodleEvent
{
    public required long CourseId { get; init; }
}
