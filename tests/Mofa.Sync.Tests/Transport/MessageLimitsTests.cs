using System.Text;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Transport;

/// <summary>The checks made on a delivery before its body is read, and the parser's view of a byte order mark.</summary>
public sealed class MessageLimitsTests
{
    private static readonly MessageLimits Limits = new(MessageLimits.DefaultMaxBodyBytes, MessageLimits.DefaultMaxHeaderBytes);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=\"UTF-8\"")]
    public void Json_or_no_content_type_is_read(string? contentType)
    {
        Assert.True(MessageLimits.IsJson(contentType));
        Assert.Null(Limits.Check(100, null, contentType, null));
    }

    /// <summary>
    /// A value echoed in a reason goes through the one sanitizer (PlainText.Escape): the reason's own
    /// cleaner let U+202C and U+2069 through, which the contract's rule refuses (issue #23, L1).
    /// </summary>
    [Theory]
    [InlineData("text/\u202Cplain", "text/\\u202Cplain")]
    [InlineData("text/\u2069plain", "text/\\u2069plain")]
    [InlineData("text/\u001B[2Jplain\r\n", "text/\\u001B[2Jplain\\u000D\\u000A")]
    public void A_content_type_is_quoted_in_the_reason_through_the_one_sanitizer(string contentType, string quoted)
    {
        Assert.Equal($"content type '{quoted}' is not JSON: the bridge sends application/json (or no content type)", Limits.Check(100, null, contentType, null));
        Assert.Equal(quoted, Mofa.Sync.Contracts.Text.PlainText.Escape(contentType));
    }

    [Theory]
    [InlineData("application/vnd.masstransit+json")]
    [InlineData("text/plain")]
    public void A_content_type_header_other_than_json_is_refused_like_the_property(string contentType)
    {
        var headers = new Dictionary<string, object?> { ["Content-Type"] = Encoding.UTF8.GetBytes(contentType) };
        Assert.Equal($"content type '{contentType}' is not JSON: the bridge sends application/json (or no content type)", Limits.Check(100, headers, null, null));
        Assert.Null(Limits.Check(100, new Dictionary<string, object?> { ["content-type"] = "application/json"u8.ToArray() }, null, null));
    }

    [Fact]
    public void The_sanitizer_keeps_a_whole_surrogate_pair_and_escapes_a_lone_half()
    {
        Assert.Equal("emoji \U0001F600 ok", Mofa.Sync.Contracts.Text.PlainText.Escape("emoji \U0001F600 ok"));
        Assert.Equal("a\\uDC00b\\uD83D", Mofa.Sync.Contracts.Text.PlainText.Escape("a\uDC00b\uD83D"));
        Assert.Equal("content type 'text/\\uD800plain' is not JSON: the bridge sends application/json (or no content type)", Limits.Check(100, null, "text/\uD800plain", null));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/vnd.masstransit+json")]
    public void Any_other_content_type_is_refused_with_a_reason(string contentType)
    {
        var reason = Limits.Check(100, null, contentType, null);
        Assert.Equal($"content type '{contentType}' is not JSON: the bridge sends application/json (or no content type)", reason);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void Any_content_encoding_is_refused_with_a_reason(string encoding)
    {
        var reason = Limits.Check(100, null, "application/json", encoding);
        Assert.Equal($"content encoding '{encoding}' is not supported: the bridge sends plain UTF-8 JSON, neither compressed nor encoded", reason);
    }

    [Fact]
    public void A_control_character_in_a_content_type_is_not_echoed()
    {
        var reason = Limits.Check(100, null, "text/\u001b[2Jplain", null)!;
        Assert.DoesNotContain('\u001b', reason);
        Assert.Contains("text/\\u001B[2Jplain", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_above_the_limit_is_refused_naming_its_size_and_the_setting()
    {
        Assert.Null(Limits.Check(MessageLimits.DefaultMaxBodyBytes, null, null, null));
        Assert.Equal("the body is 16,777,217 bytes, more than the 16,777,216 bytes this service accepts (RabbitMq:MaxBodyBytes)",
            Limits.Check(MessageLimits.DefaultMaxBodyBytes + 1, null, null, null));
    }

    [Fact]
    public void Headers_are_measured_as_AMQP_encodes_them()
    {
        // Table length (4) + per entry: name length (1) + name + type (1) + value.
        var headers = new Dictionary<string, object?>
        {
            ["a"] = Encoding.UTF8.GetBytes("xyz"), // 1 + 1 + 1 + 4 + 3
            ["bb"] = 7L,                            // 1 + 2 + 1 + 8
            ["c"] = true,                           // 1 + 1 + 1 + 1
        };
        Assert.Equal(4 + 10 + 12 + 4, HeaderTableSize.Of(headers));
    }

    [Fact]
    public void A_header_table_above_the_limit_is_refused_naming_its_size_and_the_setting()
    {
        var headers = new Dictionary<string, object?> { ["x-padding"] = new string('h', MessageLimits.DefaultMaxHeaderBytes) };
        var reason = Limits.Check(100, headers, null, null);
        Assert.NotNull(reason);
        Assert.StartsWith($"the headers take {MessageLimits.Bytes(HeaderTableSize.Of(headers))}", reason, StringComparison.Ordinal);
        Assert.EndsWith("more than the 16,384 bytes this service accepts (RabbitMq:MaxHeaderBytes)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_byte_order_mark_before_the_json_is_accepted()
    {
        var (routingKey, body) = new PhpBridge("https://moodle.example.edu").Event(CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" });
        var withBom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(body)).ToArray();
        var parsed = BridgeAgents.Parser.Parse(routingKey, withBom);
        Assert.NotNull(parsed.Event);
        Assert.Equal(CourseCreated, parsed.Kind);
    }

    [Fact]
    public void A_byte_order_mark_alone_is_an_empty_body()
    {
        var error = Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(CourseCreated, new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.Contains("the body is empty", error.Message, StringComparison.Ordinal);
    }
}
