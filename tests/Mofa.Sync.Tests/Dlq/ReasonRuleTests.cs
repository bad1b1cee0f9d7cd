using Mofa.Sync.Host.Dlq;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// `dlq list` groups by a reason's rule, the text with the message's own values taken out (issue
/// #24, item 9: nine messages made nine groups, each reason embedding its value).
/// </summary>
public sealed class ReasonRuleTests
{
    private const string Invalid = "Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException";

    [Theory]
    [InlineData("core.course_created: courseId must be a positive Moodle id (got -1)", "core.course_created: courseId must be a positive Moodle id (got …)")]
    [InlineData("core.course_module_created: url must be an absolute http(s) address (got 'javascript:alert(1)')", "core.course_module_created: url must be an absolute http(s) address (got '…')")]
    [InlineData("core.course_created: site https://a.example is not one of the configured Moodle sites (Moodle:Sites)", "core.course_created: site … is not one of the configured Moodle sites (Moodle:Sites)")]
    [InlineData("eventName '\\core\\event\\course_deleted' does not match routing key 'core.course_created': it is the event of routing key 'core.course_deleted'", "eventName '…' does not match routing key '…': it is the event of routing key '…'")]
    [InlineData("schemaVersion 2 is not supported: this service reads schemaVersion 1", "schemaVersion N is not supported: this service reads schemaVersion N")]
    [InlineData("core.course_created: fullName must not contain control characters or bidirectional overrides (found U+001B (ESC) at character 1)", "core.course_created: fullName must not contain control characters or bidirectional overrides (found …)")]
    [InlineData("core.course_created: timeCreated must be unix seconds from 2000-01-01 to at most 00:05:00 ahead of this service's clock (got 1788086400, 1d 0h ahead); a later event is rejected so that it cannot make the real events about its document stale (setting Sync:MaxClockSkew)", "core.course_created: timeCreated must be unix seconds from 2000-01-01 to at most 00:05:00 ahead of this service's clock (got …); a later event is rejected so that it cannot make the real events about its document stale (setting Sync:MaxClockSkew)")]
    [InlineData("the body is 16,777,217 bytes, more than the 16,777,216 bytes this service accepts (RabbitMq:MaxBodyBytes)", "the body is N bytes, more than the N bytes this service accepts (RabbitMq:MaxBodyBytes)")]
    [InlineData("content type 'text/plain' is not JSON: the bridge sends application/json (or no content type)", "content type '…' is not JSON: the bridge sends application/json (or no content type)")]
    [InlineData("core.course_created: missing required field(s) courseId", "core.course_created: missing required field(s) courseId")]
    public void A_contract_reason_loses_its_values_and_keeps_its_words(string reason, string rule) =>
        Assert.Equal(rule, ReasonRule.Of(Invalid, reason));

    [Fact]
    public void Other_failures_keep_their_words_and_codes()
    {
        Assert.Equal("SQLite Error 5: 'database is locked'.", ReasonRule.Of("Microsoft.Data.Sqlite.SqliteException", "SQLite Error 5: 'database is locked'."));
        Assert.Equal("no reason recorded", ReasonRule.Of(null, "no reason recorded"));
    }

    [Fact]
    public void Reasons_that_differ_only_in_their_values_share_a_rule_and_others_do_not()
    {
        var a = new FailureReason(Invalid, "core.course_created: courseId must be a positive Moodle id (got -1)");
        var b = new FailureReason(Invalid, "core.course_created: courseId must be a positive Moodle id (got -300)");
        var c = new FailureReason(Invalid, "core.course_created: cmId must be a positive Moodle id (got -1)");
        Assert.Equal(a.Rule, b.Rule);
        Assert.NotEqual(a.Rule, c.Rule);
    }
}
