using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Tests.Contracts.Schema;
using Xunit;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// The published schemas' constraints are read off the validators (ValidatorSchema): every rule of
/// every contract's validator has a translation, so a new rule cannot be left out of the schema.
/// </summary>
public sealed class ValidatorSchemaTests
{
    [Fact]
    public void Every_rule_of_every_contracts_validator_has_a_JSON_Schema_translation()
    {
        var contracts = ContractSchemas.Routes.Select(r => r.Contract).Distinct().ToList();
        var untranslated = contracts.SelectMany(c => new ValidatorSchema(ContractSchemas.ValidatorOf(c)).Untranslated).ToList();
        Assert.True(untranslated.Count == 0, $"rules with no JSON Schema translation: {string.Join("; ", untranslated)}");
        Assert.NotEmpty(contracts);
    }

    [Fact]
    public void A_rule_without_a_translation_is_named()
    {
        var validator = new InlineValidator<CourseDeleted> { v => v.RuleFor(e => e.CourseId).Must(id => id != 7) };

        Assert.Equal("InlineValidator`1: CourseId: PredicateValidator", Assert.Single(new ValidatorSchema(validator).Untranslated));
    }

    [Fact]
    public void A_rule_says_its_limit_in_the_schema_as_the_validator_holds_it()
    {
        var rules = new ValidatorSchema(ContractSchemas.ValidatorOf(typeof(CourseChanged)));

        Assert.Equal(
            ["{\"minLength\":1}", "{\"maxLength\":254}", $"{{\"pattern\":{JsonValue.Create(PlainTextRule.JsonSchemaPattern()).ToJsonString()}}}"],
            rules.Of(typeof(CourseChanged), "fullName").Select(k => k.ToJsonString()));
        Assert.Equal(["{\"minimum\":1}"], rules.Of(typeof(CourseChanged), "courseId").Select(k => k.ToJsonString()));
    }

    [Fact]
    public void Two_rules_that_say_one_keyword_differently_are_an_error()
    {
        var schema = new JsonObject { ["type"] = "string" };
        var said = new[] { new JsonObject { ["maxLength"] = 100 }, new JsonObject { ["maxLength"] = 255 } };

        var error = Assert.Throws<InvalidOperationException>(() => ValidatorSchema.Annotate(schema, said, "X.name"));
        Assert.StartsWith("X.name: two rules say 'maxLength' differently (100 and 255)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_text_pattern_forbids_exactly_what_PlainText_forbids()
    {
        var pattern = new Regex(PlainTextRule.JsonSchemaPattern(), RegexOptions.CultureInvariant);
        var disagree = Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c)
            .Where(c => pattern.IsMatch(c.ToString()) != PlainText.IsAllowed(c)).ToList();

        Assert.Empty(disagree);
    }
}
