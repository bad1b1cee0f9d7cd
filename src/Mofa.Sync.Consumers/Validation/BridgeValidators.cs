using FluentValidation.Results;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// A validator's failures phrased with the JSON field names (<see cref="JsonNamedValidator{T}"/>).
/// </summary>
public static class BridgeValidators
{
    /// <summary>Null when valid, else every broken rule in plain words, joined by "; ".</summary>
    public static string? Reasons(ValidationResult result)
    {
        if (result.IsValid) return null;
        return string.Join("; ", result.Errors.Select(f => Describe(f.PropertyName, f.ErrorMessage)));
    }

    private static string Describe(string field, string message)
    {
        // FluentValidation quotes the field's name ('email'); the reason reads better without.
        var name = field[(field.LastIndexOf('.') + 1)..];
        message = message.Replace($"'{name}'", name, StringComparison.Ordinal);
        if (message.Contains(field, StringComparison.Ordinal)) return message;
        // A nested rule names its own field only (lastName): the reason names the path (user.lastName).
        return message.StartsWith(name + " ", StringComparison.Ordinal) ? field + message[name.Length..] : $"{field}: {message}";
    }
}
