using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Modules;

namespace Mofa.Sync.Consumers.Modules;

public sealed class CourseModuleChangedValidator : MoodleEventValidator<CourseModuleChanged>
{
    public CourseModuleChangedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.CmId);
        Id(e => e.InstanceId);
        ModuleNameRules.Apply(RuleFor(e => e.ModuleName));
        Text(e => e.Name, 1333);
        RuleFor(e => e.Url).MustBeHttpUrl().When(e => e.Url is not null)
            .WithMessage(e => $"url must be an absolute http(s) address (got '{Echo.Cut(e.Url)}')")
            .MaximumCharacters(1333);
        RuleFor(e => e.Url).MustNotCarryUserInfo().When(e => e.Url is not null)
            .WithMessage(e => $"url must not carry a user name or password before its host: it would lead elsewhere than it reads (got '{Echo.Cut(e.Url)}')");
        RuleFor(e => e.Url).MustBePlainText();
    }
}
