using System.Text.Json;
using FluentValidation;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// Checks an event with its contract's validator (declared with its route, Routing/BridgeRoutes);
/// failures are phrased with the JSON field names.
/// </summary>
public static class BridgeValidators
{
    /// <summary>Name fields as the JSON body does (courseId, user.email), not as C# does ("Course Id").</summary>
    internal static bool UseJsonFieldNames()
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        return true;
    }

    /// <summary>Null when valid, else every broken rule in plain words, joined by "; ".</summary>
    public static string? Check(MoodleEvent e, ValidationSettings? rules = null)
    {
        var result = BridgeRoutes.Of(e.GetType()).Validate(e, rules ?? ValidationSettings.Default);
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
