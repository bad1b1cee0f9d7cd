using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Validators;
using Mofa.Sync.Consumers.Validation;

namespace Mofa.Sync.Tests.Contracts.Schema;

/// <summary>
/// What a validator's rules say in JSON Schema's words, by (record, JSON name): the schemas'
/// constraints are read off the validators the service runs, never written a second time.
/// FluentValidation's own rules are translated here; ours carry their keywords (<see cref="IJsonSchemaRule"/>).
/// A nested validator (a user's profile, a quiz's questions) is read as well, under its record.
/// </summary>
internal sealed class ValidatorSchema
{
    private readonly Dictionary<(Type Record, string Field), List<JsonObject>> _said = [];

    private readonly List<string> _untranslated = [];

    public ValidatorSchema(IValidator validator) => Read(validator);

    /// <summary>Every rule with no translation, as "Validator: field: rule"; generation refuses to run while any is left.</summary>
    public IReadOnlyList<string> Untranslated => _untranslated;

    /// <summary>Every (record, field) with at least one keyword to say.</summary>
    public IEnumerable<(Type Record, string Field)> Fields => _said.Where(f => f.Value.Any(k => k.Count > 0)).Select(f => f.Key);

    /// <summary>What the rules on <paramref name="field"/> of <paramref name="record"/> say, in their order.</summary>
    public IReadOnlyList<JsonObject> Of(Type record, string field) => _said.TryGetValue((record, field), out var said) ? said : [];

    private void Read(IValidator validator)
    {
        var record = RecordOf(validator);
        foreach (var rule in validator.CreateDescriptor().Rules)
        {
            foreach (var component in rule.Components)
            {
                if (component.Validator is IChildValidatorAdaptor child)
                {
                    Read((IValidator)Activator.CreateInstance(child.ValidatorType)!);
                    continue;
                }

                var said = Translate(component.Validator, rule.TypeToValidate);
                if (said is null)
                {
                    _untranslated.Add($"{validator.GetType().Name}: {rule.PropertyName}: {component.Validator.Name}");
                    continue;
                }

                if (!_said.TryGetValue((record, rule.PropertyName), out var list)) _said[(record, rule.PropertyName)] = list = [];
                list.Add(said);
            }
        }
    }

    /// <summary>The keywords that say <paramref name="rule"/>, or null when it has no translation.</summary>
    private static JsonObject? Translate(IPropertyValidator rule, Type field) => rule switch
    {
        IJsonSchemaRule ours => ours.JsonSchema(),
        INotEmptyValidator when field == typeof(string) => new() { ["minLength"] = 1 },
        IRegularExpressionValidator regex => new() { ["pattern"] = Ecma(regex.Expression) },
        IComparisonValidator { MemberToCompare: null, ValueToCompare: var value } compared => compared.Comparison switch
        {
            Comparison.Equal => new() { ["const"] = JsonSerializer.SerializeToNode(value) },
            // For whole numbers, greater than n is at least n + 1.
            Comparison.GreaterThan when IsWhole(value) => new() { ["minimum"] = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) + 1 },
            Comparison.GreaterThan => new() { ["exclusiveMinimum"] = JsonSerializer.SerializeToNode(value) },
            Comparison.GreaterThanOrEqual => new() { ["minimum"] = JsonSerializer.SerializeToNode(value) },
            Comparison.LessThan => new() { ["exclusiveMaximum"] = JsonSerializer.SerializeToNode(value) },
            Comparison.LessThanOrEqual => new() { ["maximum"] = JsonSerializer.SerializeToNode(value) },
            _ => null,
        },
        _ => null,
    };

    private static bool IsWhole(object? value) => value is int or long or short or byte;

    /// <summary>.NET's end of input \z is ECMAScript's $ (JSON Schema's patterns are ECMAScript's, where $ does not match before a final newline).</summary>
    private static string Ecma(string pattern) =>
        pattern.EndsWith("\\z", StringComparison.Ordinal) ? pattern[..^2] + "$" : pattern;

    private static Type RecordOf(IValidator validator)
    {
        for (var type = validator.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(AbstractValidator<>)) return type.GetGenericArguments()[0];
        }

        throw new ArgumentException($"{validator.GetType().Name} is not an AbstractValidator", nameof(validator));
    }

    /// <summary>
    /// Adds to a field's exported <paramref name="schema"/> what its rules say. Said once even when
    /// several rules say it; left out where the schema already says more: a listed set of values
    /// (enum; each value is checked against the rules), a uri format (a URI holds printable ASCII
    /// only, so the plain-text pattern adds nothing), a pattern that rejects the empty string (no
    /// minLength 1 beside it). Two rules that say the same keyword differently are an error.
    /// </summary>
    public static void Annotate(JsonObject schema, IReadOnlyList<JsonObject> said, string field)
    {
        var keywords = said.SelectMany(s => s).Select(k => (Name: k.Key, Value: k.Value)).ToList();
        if (schema["enum"] is JsonArray listed)
        {
            foreach (var value in listed) CheckListed(value!.GetValue<string>(), keywords, field);
            return;
        }

        var plainText = PlainTextRule.JsonSchemaPattern();
        var patterns = keywords.Where(k => k.Name == "pattern").Select(k => k.Value!.GetValue<string>()).ToList();
        var isUri = keywords.Any(k => k is { Name: "format", Value: JsonValue v } && v.GetValue<string>() == "uri");
        foreach (var (name, value) in keywords)
        {
            if (isUri && name == "pattern" && value!.GetValue<string>() == plainText) continue;
            if (name == "minLength" && value!.GetValue<int>() == 1 && patterns.Any(p => !Regex.IsMatch("", p))) continue;
            if (schema[name] is { } already)
            {
                if (JsonNode.DeepEquals(already, value)) continue;
                throw new InvalidOperationException($"{field}: two rules say '{name}' differently ({already.ToJsonString()} and {value?.ToJsonString()}); say how they combine in {nameof(ValidatorSchema)}");
            }

            schema[name] = value?.DeepClone();
        }
    }

    private static void CheckListed(string value, IEnumerable<(string Name, JsonNode? Value)> keywords, string field)
    {
        foreach (var (name, rule) in keywords)
        {
            var holds = name switch
            {
                "minLength" => MoodleText.Length(value) >= rule!.GetValue<int>(),
                "maxLength" => MoodleText.Length(value) <= rule!.GetValue<int>(),
                "pattern" => Regex.IsMatch(value, rule!.GetValue<string>()),
                _ => throw new InvalidOperationException($"{field}: cannot check the listed values against '{name}'"),
            };
            if (!holds) throw new InvalidOperationException($"{field}: the listed value '{value}' breaks its rule '{name}': {rule?.ToJsonString()}");
        }
    }
}
