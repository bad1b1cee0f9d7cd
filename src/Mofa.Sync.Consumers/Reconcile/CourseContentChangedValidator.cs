using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;

namespace Mofa.Sync.Consumers.Reconcile;

public sealed class CourseContentChangedValidator : MoodleEventValidator<CourseContentChanged>
{
    public CourseContentChangedValidator() => Id(e => e.CourseId);
}
