using System.Text;
using Mofa.Sync.Host.Dlq;
using Xunit;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>The pieces of the dead-letter tooling that need no broker: headers, reasons, durations, queue names.</summary>
public sealed class DeadLetterHeaderTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("rabbitmq://localhost/mofa-sync.course-agent", "mofa-sync.course-agent")]
    [InlineData("rabbitmq://broker.example:5672/vhost-a/mofa-sync.user-agent?prefetch=64", "mofa-sync.user-agent")]
    [InlineData("rabbitmq://localhost/", null)]
    [InlineData("not an address", null)]
    [InlineData(null, null)]
    public void The_replay_target_is_the_last_segment_of_the_input_address(string? address, string? queue) =>
        Assert.Equal(queue, DeadLetterHeaders.InputQueue(address));

    [Fact]
    public void Replay_removes_the_failure_headers_and_keeps_the_others()
    {
        var headers = new Dictionary<string, object?>
        {
            ["MT-Reason"] = Utf8("fault"),
            ["MT-Fault-Message"] = Utf8("SQLite Error 5: 'database is locked'."),
            ["MT-Fault-RetryCount"] = 2,
            ["MT-Host-MachineName"] = Utf8("vm"),
            ["x-dotnet-pub-seq-no"] = 7L,
            ["bridge-version"] = Utf8("1.4"),
        };

        var kept = DeadLetterHeaders.WithoutFailure(headers);

        Assert.NotNull(kept);
        Assert.Equal(["bridge-version"], kept.Keys);
        Assert.Null(DeadLetterHeaders.WithoutFailure(new Dictionary<string, object?> { ["MT-Reason"] = Utf8("fault") }));
    }

    [Fact]
    public void Reasons_group_by_exception_type_and_message_and_match_case_insensitively()
    {
        FailureReason Of(string type, string message) => FailureReason.Of(new Dictionary<string, object?>
        {
            ["MT-Fault-ExceptionType"] = Utf8(type),
            ["MT-Fault-Message"] = Utf8(message),
        });

        var a = Of("Microsoft.Data.Sqlite.SqliteException", "SQLite Error 5: 'database is locked'.");
        var b = Of("Microsoft.Data.Sqlite.SqliteException", "SQLite Error 5: 'database is locked'.");
        var c = Of("Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException", "SQLite Error 5: 'database is locked'.");

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal("SqliteException: SQLite Error 5: 'database is locked'.", a.Text);
        Assert.True(a.Contains("DATABASE IS LOCKED"));
        Assert.True(a.Contains("Microsoft.Data.Sqlite"));
        Assert.False(a.Contains("InvalidBridgeMessage"));
    }

    [Fact]
    public void Skipped_messages_and_messages_without_headers_still_have_a_reason()
    {
        Assert.StartsWith("skipped", FailureReason.Of(new Dictionary<string, object?> { ["MT-Reason"] = Utf8("skip") }).Text, StringComparison.Ordinal);
        Assert.Equal("no reason recorded", FailureReason.Of(null).Text);
    }

    [Fact]
    public void Header_values_are_read_whatever_type_the_broker_gives()
    {
        var headers = new Dictionary<string, object?>
        {
            ["MT-Fault-RetryCount"] = 3,
            ["MT-Fault-Timestamp"] = Utf8("2026-11-29T05:09:21.4256407Z"),
            ["as-string"] = Utf8("2"),
        };

        Assert.Equal(3, DeadLetterHeaders.Integer(headers, "MT-Fault-RetryCount"));
        Assert.Equal(2, DeadLetterHeaders.Integer(headers, "as-string"));
        Assert.Null(DeadLetterHeaders.Integer(headers, "missing"));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 5, 9, 21, TimeSpan.Zero), DeadLetterHeaders.Time(headers, "MT-Fault-Timestamp")!.Value.AddTicks(-4256407));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData("1w", 7 * 86400)]
    [InlineData("01:30:00", 5400)]
    public void Durations_read_the_operator_forms(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-2h")]
    [InlineData("2 hours")]
    [InlineData("1")]
    public void Durations_refuse_what_they_cannot_read(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("mofa-sync.course-agent_error", "mofa-sync.course-agent_error")]
    [InlineData("user-agent_skipped", "mofa-sync.user-agent_skipped")]
    [InlineData("question", "mofa-sync.question-agent_error")]
    [InlineData("Module", "mofa-sync.module-agent_error")]
    [InlineData("notifications", "mofa-sync.notifications_error")]
    [InlineData("mofa-sync.notifications_error", "mofa-sync.notifications_error")]
    [InlineData("mofa-sync.notifications", null)]
    [InlineData("mofa-sync.course-agent", null)]
    [InlineData("other-service_error", null)]
    [InlineData("1", null)]
    public void Only_the_services_own_dead_letter_queues_are_accepted(string typed, string? resolved) =>
        Assert.Equal(resolved, DeadLetterQueues.Resolve("mofa-sync", typed));

    [Fact]
    public void Filters_never_take_an_undated_message_by_age()
    {
        var undated = new DeadLetterMessage("q_error", 1, "rk", new RabbitMQ.Client.BasicProperties(), Array.Empty<byte>(), null,
            new FailureReason(null, "x"), null, null, null);
        Assert.False(new DeadLetterFilter(FailedBefore: DateTimeOffset.UtcNow).Matches(undated));
        Assert.True(DeadLetterFilter.All.Matches(undated));
        Assert.Equal("q", undated.ReplayQueue);
    }
}
