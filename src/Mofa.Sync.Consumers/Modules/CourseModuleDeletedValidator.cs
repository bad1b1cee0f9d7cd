using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Modules;

namespace Mofa.Sync.Consumers.Modules;

public sealed class CourseModuleDeletedValidator : MoodleEventValidator<CourseModuleDeleted>
{
    public CourseModuleDeletedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.CmId);
        Id(e => e.InstanceId);
        ModuleNameRules.Apply(RuleFor(e => e.ModuleName));
    }
}
