using System.Globalization;
using System.Text;
using FluentValidation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>The plain-text rule as a FluentValidation rule, usable on any validator's string fields.</summary>
public static class PlainTextRule
{
    /// <summary>For string fields, nullable or not (any other type passes).</summary>
    public static IRuleBuilderOptions<T, TText> MustBePlainText<T, TText>(this IRuleBuilder<T, TText> rule) =>
        rule.MustSatisfy(nameof(PlainText), (context, value) =>
            {
                var found = PlainText.FindForbidden(value as string);
                context.MessageFormatter.AppendArgument("Found", found ?? string.Empty);
                return found is null;
            }, () => new() { ["pattern"] = JsonSchemaPattern() })
            .WithMessage("{PropertyName} must not contain control characters or bidirectional overrides (found {Found})");

    /// <summary>
    /// The rule as a JSON Schema pattern, read off <see cref="PlainText.IsAllowed"/>: every character
    /// it forbids, in ranges, ^[^\u0000-\u0008…]*$ (JSON Schema's patterns are ECMAScript's).
    /// </summary>
    public static string JsonSchemaPattern()
    {
        var forbidden = new StringBuilder();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (PlainText.IsAllowed((char)c)) continue;
            var last = c;
            while (last < char.MaxValue && !PlainText.IsAllowed((char)(last + 1))) last++;
            forbidden.Append(Escaped(c));
            if (last > c) forbidden.Append('-').Append(Escaped(last));
            c = last;
        }

        return $"^[^{forbidden}]*$";

        static string Escaped(int c) => "\\u" + c.ToString("X4", CultureInfo.InvariantCulture);
    }
}
