using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Mofa.Sync.Agents.Courses;
using Mofa.Sync.Agents.Modules;
using Mofa.Sync.Agents.Questions;
using Mofa.Sync.Agents.Users;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Agents.Validation;

/// <summary>One validator per message contract; failures are phrased with the JSON field names.</summary>
public static class BridgeValidators
{
    // Set before the validators below are built: they capture their field names when constructed.
    private static readonly bool NamesAsInJson = UseJsonFieldNames();

    private static readonly Dictionary<Type, Func<MoodleEvent, BridgeRules, ValidationResult>> ByContract = new()
    {
        [typeof(CourseChanged)] = Typed(new CourseChangedValidator()),
        [typeof(CourseDeleted)] = Typed(new CourseDeletedValidator()),
        [typeof(CourseModuleChanged)] = Typed(new CourseModuleChangedValidator()),
        [typeof(CourseModuleDeleted)] = Typed(new CourseModuleDeletedValidator()),
        [typeof(RoleAssigned)] = Typed(new RoleAssignedValidator()),
        [typeof(RoleUnassigned)] = Typed(new RoleUnassignedValidator()),
        [typeof(UserUpdated)] = Typed(new UserUpdatedValidator()),
        [typeof(UserDeleted)] = Typed(new UserDeletedValidator()),
        [typeof(QuizQuestionsChanged)] = Typed(new QuizQuestionsChangedValidator()),
        [typeof(CourseContentChanged)] = Typed(new CourseContentChangedValidator()),
    };

    /// <summary>The validator called with its own type: no untyped context to wrap on every message.</summary>
    private static Func<MoodleEvent, BridgeRules, ValidationResult> Typed<T>(MoodleEventValidator<T> validator)
        where T : MoodleEvent => (e, rules) =>
        {
            var context = new ValidationContext<T>((T)e);
            rules.AddTo(context);
            return validator.Validate(context);
        };

    /// <summary>Name fields as the JSON body does (courseId, user.email), not as C# does ("Course Id").</summary>
    private static bool UseJsonFieldNames()
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        return true;
    }

    /// <summary>Null when valid, else every broken rule in plain words, joined by "; ".</summary>
    public static string? Check(MoodleEvent e, BridgeRules? rules = null)
    {
        _ = NamesAsInJson;
        var result = ByContract[e.GetType()](e, rules ?? BridgeRules.Default);
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
