using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Courses;

/// <summary>core.course_created and core.course_updated: upsert the course.</summary>
[Description("A course was created or updated: the mirror upserts it.")]
public sealed record CourseChanged : MoodleEvent
{
    public required long CourseId { get; init; }
    public required string FullName { get; init; }
    public required string ShortName { get; init; }
}
