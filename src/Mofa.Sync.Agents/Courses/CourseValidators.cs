using Mofa.Sync.Contracts.Courses;

using Mofa.Sync.Agents.Validation;

namespace Mofa.Sync.Agents.Courses;

public sealed class CourseChangedValidator : MoodleEventValidator<CourseChanged>
{
    public CourseChangedValidator()
    {
        Id(e => e.CourseId);
        Text(e => e.FullName, 254);
        Text(e => e.ShortName, 255);
    }
}

public sealed class CourseDeletedValidator : MoodleEventValidator<CourseDeleted>
{
    public CourseDeletedValidator() => Id(e => e.CourseId);
}

public sealed class CourseContentChangedValidator : MoodleEventValidator<CourseContentChanged>
{
    public CourseContentChangedValidator() => Id(e => e.CourseId);
}
