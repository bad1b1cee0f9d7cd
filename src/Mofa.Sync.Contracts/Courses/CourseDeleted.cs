using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Courses;

/// <summary>core.course_deleted: delete the course, its modules, its teacher roles and its quiz questions.</summary>
[Description("A course was deleted: the mirror deletes it with its modules, its teacher roles and its quiz questions.")]
public sealed record CourseDeleted : MoodleEvent
{
    public required long CourseId { get; init; }
}
