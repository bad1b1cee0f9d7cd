using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Courses;

namespace Mofa.Sync.Consumers.Courses;

public sealed class CourseChangedValidator : MoodleEventValidator<CourseChanged>
{
    public CourseChangedValidator()
    {
        Id(e => e.CourseId);
        Text(e => e.FullName, 254);
        Text(e => e.ShortName, 255);
    }
}
