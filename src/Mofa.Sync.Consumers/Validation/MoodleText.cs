using FluentValidation;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// Text sizes as Moodle's columns count them: in characters, that is Unicode code points
/// (MySQL's utf8mb4 and PostgreSQL's varchar(n) both count code points, as does Moodle's
/// core_text::strlen). .NET's string.Length counts UTF-16 units, in which an emoji counts twice.
/// </summary>
public static class MoodleText
{
    /// <summary>The number of code points (an unpaired surrogate counts as one).</summary>
    public static int Length(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>True when <paramref name="value"/> has at most <paramref name="max"/> code points.</summary>
    public static bool Fits(string? value, int max) =>
        // A string has at most as many code points as UTF-16 units: most values need no count.
        value is null || value.Length <= max || Length(value) <= max;

    /// <summary>The rule "at most <paramref name="max"/> characters", counted in code points (as JSON Schema's maxLength counts them).</summary>
    public static IRuleBuilderOptions<T, string?> MaximumCharacters<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.MustSatisfy("MaximumCharacters", v => Fits(v, max), () => new() { ["maxLength"] = max })
            .WithMessage((_, v) => $"{{PropertyName}} must be at most {max} characters (got {Length(v!)})");
}
