using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Courses;

/// <summary>core.course_deleted: delete the course, its modules, its teacher roles and its quiz questions.</summary>
public sealed record CourseDeleted : MoodleEvent
{
    public required long CourseId { get; init; }
}
