using System.Text;
using System.Text.Json.Nodes;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// The content rules of the contract, read by the parser alone (no broker): the kind follows the
/// routing key, eventName has Moodle's form, names hold no control characters, links no
/// user-info, times and sequences stay within their bounds, unknown fields may nest.
/// </summary>
public sealed class MessageContentRulesTests
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");

    private static byte[] Course(Action<JsonObject>? mutate = null) => Body(Bridge.Event(CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" }).Body, mutate);

    private static byte[] Module(Action<JsonObject>? mutate = null) =>
        Body(Bridge.Event(CourseModuleCreated, new { courseId = 10, cmId = 100, moduleName = "assign", instanceId = 1, name = "Essay" }).Body, mutate);

    private static byte[] Body(string json, Action<JsonObject>? mutate)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        mutate?.Invoke(body);
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static string Rejection(string? routingKey, byte[] body, ValidationSettings? rules = null) =>
        Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(routingKey, body, rules)).Message;

    [Fact]
    public void The_kind_follows_the_routing_key_and_an_eventName_of_another_kind_is_rejected()
    {
        var deleting = Course(b => b["eventName"] = "\\core\\event\\course_deleted");
        var reason = Rejection(CourseCreated, deleting);
        Assert.Contains("does not match routing key 'core.course_created'", reason, StringComparison.Ordinal);

        // The body of a course_deleted is a valid course_deleted on its own key: the key, not the body, decides.
        Assert.Equal(CourseDeleted, BridgeAgents.Parser.Parse(CourseDeleted, deleting).Kind);
    }

    [Theory]
    [InlineData("core.course_deleted")]
    [InlineData("anything at all")]
    [InlineData("core\\event\\course_created")]
    [InlineData("\\core\\event\\course_created\n")]
    [InlineData("\\Core\\event\\course_created")]
    [InlineData("\\core\\events\\course_created")]
    public void An_eventName_not_of_Moodles_form_is_rejected_with_a_plain_reason(string eventName)
    {
        var reason = Rejection(CourseCreated, Course(b => b["eventName"] = eventName));
        Assert.Contains("eventName must be Moodle's event name of the form \\component\\event\\name", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_without_a_routing_key_is_rejected_whatever_its_eventName_says()
    {
        var reason = Rejection(null, Course());
        Assert.Contains("the message has no routing key", reason, StringComparison.Ordinal);
        Assert.Contains("MofaSync-Routing-Key", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fullName", "\u001b[2J\u202eEvil", "U+001B (ESC) at character 1")]
    [InlineData("fullName", "Bell\u0007", "U+0007 (BEL) at character 5")]
    [InlineData("shortName", "A\0B", "U+0000 (NUL) at character 2")]
    [InlineData("shortName", "line\rover", "U+000D (CR) at character 5")]
    [InlineData("fullName", "gpj.\u202Eexe", "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5")]
    [InlineData("fullName", "x\u2067y", "U+2067 (RIGHT-TO-LEFT ISOLATE) at character 2")]
    [InlineData("fullName", "C1 \u009b31m", "U+009B (CSI) at character 4")]
    public void A_name_with_a_control_character_or_a_bidi_override_is_rejected(string field, string value, string found)
    {
        var reason = Rejection(CourseCreated, Course(b => b[field] = value));
        Assert.Contains($"{field} must not contain control characters or bidirectional overrides (found {found})", reason, StringComparison.Ordinal);
        Assert.True(reason.All(PlainText.IsAllowed) && !reason.Contains('\n', StringComparison.Ordinal), $"the reason itself carries a control character: {PlainText.Escape(reason)}");
    }

    [Fact]
    public void Every_name_field_of_every_message_has_the_rule()
    {
        const string esc = "x\u001b]0;pwned\u0007";
        Assert.Contains("name must not contain control characters", Rejection(CourseModuleCreated, Module(b => b["name"] = esc)), StringComparison.Ordinal);
        Assert.Contains("url must not contain control characters", Rejection(CourseModuleCreated, Module(b => b["url"] = "https://moodle.example.edu/mod/a\u202E")), StringComparison.Ordinal);
        Assert.Contains("eventId must not contain control characters", Rejection(CourseCreated, Course(b => b["eventId"] = esc)), StringComparison.Ordinal);
        var teacher = Encoding.UTF8.GetBytes(Bridge.Event(RoleAssigned, new { courseId = 10, userId = 5, roleShortName = "editingteacher", user = PhpBridge.Profile("t", "t@example.edu", esc, "L") }).Body);
        Assert.Contains("firstName must not contain control characters", Rejection(RoleAssigned, teacher), StringComparison.Ordinal);
        var profile = Encoding.UTF8.GetBytes(Bridge.Event(UserUpdated, new { userId = 5, username = "t", email = esc, firstName = "F", lastName = "L" }).Body);
        Assert.Contains("email must not contain control characters", Rejection(UserUpdated, profile), StringComparison.Ordinal);
        var quiz = Encoding.UTF8.GetBytes(Bridge.Event(QuizQuestionsChanged, new { courseId = 10, quizId = 3, quizCmId = 30, questions = new[] { new { questionId = 1, name = esc } } }).Body);
        Assert.Contains("must not contain control characters", Rejection(QuizQuestionsChanged, quiz), StringComparison.Ordinal);
    }

    [Fact]
    public void Tab_line_feed_and_right_to_left_text_are_names_like_any_other()
    {
        var parsed = BridgeAgents.Parser.Parse(CourseCreated, Course(b => b["fullName"] = "Week\t1\nעברית العربية \u200F"));
        Assert.NotNull(parsed.Event);
    }

    [Theory]
    [InlineData("https://moodle.example.edu@evil.example/login")]
    [InlineData("https://user:password@moodle.example.edu/mod/assign/view.php?id=100")]
    public void A_link_with_user_info_is_rejected(string url)
    {
        var reason = Rejection(CourseModuleCreated, Module(b => b["url"] = url));
        Assert.Contains("url must not carry a user name or password before its host", reason, StringComparison.Ordinal);
        Assert.Contains("it carries a user name or password", Rejection(CourseCreated, Course(b => b["site"] = url)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_with_an_at_sign_after_its_host_is_accepted()
    {
        Assert.NotNull(BridgeAgents.Parser.Parse(CourseModuleCreated, Module(b => b["url"] = "https://moodle.example.edu/mod/url/view.php?id=100&to=a@b.example")).Event);
    }

    [Fact]
    public void An_event_dated_beyond_the_clock_skew_is_rejected_and_the_skew_is_a_setting()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var inTwoMinutes = Course(b => b["timeCreated"] = now + 120);
        var tomorrow = Course(b => b["timeCreated"] = now + 86_400);

        Assert.NotNull(BridgeAgents.Parser.Parse(CourseCreated, inTwoMinutes).Event);
        var reason = Rejection(CourseCreated, tomorrow);
        Assert.Contains("timeCreated must be unix seconds from 2000-01-01 to at most 00:05:00 ahead of this service's clock", reason, StringComparison.Ordinal);
        Assert.Contains("Sync:MaxClockSkew", reason, StringComparison.Ordinal);
        Assert.Contains("ahead", reason, StringComparison.Ordinal);

        Assert.Contains("at most 00:00:00 ahead", Rejection(CourseCreated, inTwoMinutes, new ValidationSettings(TimeSpan.Zero)), StringComparison.Ordinal);
        Assert.NotNull(BridgeAgents.Parser.Parse(CourseCreated, tomorrow, new ValidationSettings(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1))).Event);
    }

    [Fact]
    public void A_sequence_beyond_two_to_the_53_is_rejected()
    {
        Assert.Contains("sequence must be at most 9007199254740991", Rejection(CourseCreated, Course(b => b["sequence"] = long.MaxValue)), StringComparison.Ordinal);
        Assert.NotNull(BridgeAgents.Parser.Parse(CourseCreated, Course(b => b["sequence"] = 9_007_199_254_740_991)).Event);
    }

    private static JsonNode Nested(int levels)
    {
        JsonNode node = JsonValue.Create("deep")!;
        for (var i = 0; i < levels; i++) node = new JsonObject { ["inner"] = node };
        return node;
    }

    [Fact]
    public void An_unknown_field_nested_deeper_than_16_levels_is_ignored_like_any_unknown_field()
    {
        var parsed = BridgeAgents.Parser.Parse(CourseCreated, Course(b => b["bridgeDebug"] = Nested(40)));
        Assert.Equal("Algebra", Assert.IsType<Mofa.Sync.Contracts.Courses.CourseChanged>(parsed.Event).FullName);
    }

    [Fact]
    public void A_body_nested_deeper_than_the_bound_is_rejected_with_its_depth()
    {
        var reason = Rejection(CourseCreated, Course(b => b["bridgeDebug"] = Nested(100)));
        Assert.Equal($"the body nests objects or arrays deeper than {BridgeMessageParser.MaxDepth} levels (the contract's messages need 3)", reason);
    }

    [Fact]
    public void A_teachers_message_carries_no_control_character_or_bidi_override_whatever_the_mirror_holds()
    {
        var change = new NotifiedChange
        {
            Kind = NotificationKinds.Created,
            CmId = 100,
            ModuleKind = "assign",
            ItemName = "Essay\u202Efdp.exe\u001b[2J\0",
            ItemUrl = "https://moodle.example.edu@evil.example/login",
            TimeCreated = 1_788_000_000,
            EventId = "e1",
        };
        var both = NotificationText.Of("Alg\u001bebra\u0007", 10, [change]);
        var text = both.Html;
        Assert.DoesNotContain(text, c => !PlainText.IsAllowed(c));
        Assert.DoesNotContain(both.Plain, c => !PlainText.IsAllowed(c) && c != '\n');
        Assert.DoesNotContain("evil.example", both.Plain, StringComparison.Ordinal);
        Assert.Contains("Essayfdp.exe[2J", text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dead_lettered_body_is_previewed_without_control_bytes_and_a_binary_one_as_hex()
    {
        var text = BodyPreview.Of(Encoding.UTF8.GetBytes("{\"fullName\":\"\u001b[2J\u202e\"}"), 300);
        Assert.Equal("{\"fullName\":\"\\u001B[2J\\u202E\"}", text);

        var binary = BodyPreview.Of([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe, 0x00, 0x07], 300);
        Assert.Equal("(binary body, 8 bytes, not UTF-8 text; all in hex) 1b 5b 32 4a ff fe 00 07", binary);

        var cut = BodyPreview.Of(new byte[1000], 30);
        Assert.StartsWith("(binary body, 1000 bytes, not UTF-8 text; the first 10 in hex) 00 00", cut, StringComparison.Ordinal);
        Assert.Equal("abc…", BodyPreview.Of("abcdef"u8, 3));
    }
}
