using System.Linq.Expressions;
using System.Text.Json;
using FluentValidation;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// A validator whose rules name their fields as the JSON body does (courseId, user.email), not as
/// C# does ("Course Id"): each rule is named when it is declared, so FluentValidation's global
/// settings stay as the library sets them.
/// </summary>
public abstract class JsonNamedValidator<T> : AbstractValidator<T>
{
    protected new IRuleBuilderInitial<T, TProperty> RuleFor<TProperty>(Expression<Func<T, TProperty>> expression) =>
        base.RuleFor(expression).Configure(NameAsInJson);

    protected new IRuleBuilderInitialCollection<T, TElement> RuleForEach<TElement>(Expression<Func<T, IEnumerable<TElement>>> expression) =>
        base.RuleForEach(expression).Configure(NameAsInJson);

    private static void NameAsInJson(IValidationRule<T> rule)
    {
        var name = JsonNamingPolicy.CamelCase.ConvertName(rule.Member.Name);
        rule.PropertyName = name;
        rule.SetDisplayName(name);
    }
}
