using System.Text.RegularExpressions;
using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts;

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
