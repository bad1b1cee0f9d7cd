using FluentValidation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>The plain-text rule as a FluentValidation rule, usable on any validator's string fields.</summary>
public static class PlainTextRule
{
    /// <summary>For string fields, nullable or not (any other type passes).</summary>
    public static IRuleBuilderOptions<T, TText> MustBePlainText<T, TText>(this IRuleBuilder<T, TText> rule) =>
        rule.Must((_, value, context) =>
            {
                var found = PlainText.FindForbidden(value as string);
                context.MessageFormatter.AppendArgument("Found", found ?? string.Empty);
                return found is null;
            })
            .WithMessage("{PropertyName} must not contain control characters or bidirectional overrides (found {Found})");
}
