using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// A named field rule of our own with its JSON Schema keywords (<see cref="IJsonSchemaRule"/>);
/// each use gives its message (WithMessage), as FluentValidation's own rules do.
/// </summary>
public sealed class SchemaAnnotatedRule<T, TProperty>(string name, Func<ValidationContext<T>, TProperty, bool> test, Func<JsonObject> jsonSchema)
    : PropertyValidator<T, TProperty>, IJsonSchemaRule
{
    public override string Name => name;

    public override bool IsValid(ValidationContext<T> context, TProperty value) => test(context, value);

    public JsonObject JsonSchema() => jsonSchema();
}

/// <summary>Declares a <see cref="SchemaAnnotatedRule{T, TProperty}"/> on a field, as Must() declares an unnamed one.</summary>
public static class SchemaAnnotatedRules
{
    public static IRuleBuilderOptions<T, TProperty> MustSatisfy<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, string name, Func<TProperty, bool> test, Func<JsonObject> jsonSchema) =>
        rule.MustSatisfy(name, (_, value) => test(value), jsonSchema);

    public static IRuleBuilderOptions<T, TProperty> MustSatisfy<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, string name, Func<ValidationContext<T>, TProperty, bool> test, Func<JsonObject> jsonSchema) =>
        rule.SetValidator(new SchemaAnnotatedRule<T, TProperty>(name, test, jsonSchema));
}
