using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Courses;

namespace Mofa.Sync.Consumers.Courses;

public sealed class CourseDeletedValidator : MoodleEventValidator<CourseDeleted>
{
    public CourseDeletedValidator() => Id(e => e.CourseId);
}
