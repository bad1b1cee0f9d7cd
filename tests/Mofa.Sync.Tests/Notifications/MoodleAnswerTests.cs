using Mofa.Sync.Tests.Health;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Whatever Moodle (or a proxy in front of it) answers, a delivery ends delivered, waiting for a
/// replay or failed, with a reason, a warning and a metric, and the token appears nowhere: real
/// broker, real service, a real HTTP server answering each odd shape.
/// </summary>
public sealed class MoodleAnswerTests(ITestOutputHelper output)
{
    private static readonly long[] Teachers = [11, 12];

    [Fact]
    public async Task A_reason_phrase_carrying_the_token_is_masked_in_the_logs_the_error_queue_and_the_stored_reason()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:RetryLimit"] = "0" });
        world.Moodle.Answer = (_, _) => new FakeMoodleServer.Reply(500, "<html><body>error</body></html>", Reason: $"Bad {NotificationWorld.Token} request");
        var logs = new CapturedLogs();
        await using var service = await world.StartServiceAsync(s => s.AddSingleton<ILoggerProvider>(logs));
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(320, "Lab"))]);
        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Waiting == 2, "the delivery released for a replay"));

        // The reason phrase came through, masked: each search below could have found the token.
        const string Masked = "HTTP 500 Bad *** request";
        Assert.Contains(Masked, error.Reason, StringComparison.Ordinal);
        Assert.Contains(status.Reasons, r => r.Contains(Masked, StringComparison.Ordinal));
        Assert.Contains(Masked, logs.Text, StringComparison.Ordinal);
        Assert.All(error.Headers, h => Assert.DoesNotContain(NotificationWorld.Token, h.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(NotificationWorld.Token, error.Body, StringComparison.Ordinal);
        Assert.All(status.Reasons, r => Assert.DoesNotContain(NotificationWorld.Token, r, StringComparison.Ordinal));
        Assert.DoesNotContain(NotificationWorld.Token, logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_trickles_past_the_timeout_ends_the_delivery_with_a_reason_naming_the_timeout()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:Timeout"] = "00:00:02", ["Moodle:RetryLimit"] = "0" });
        // The probe's answer: headers announcing 100,000 bytes, then one byte a second.
        world.Moodle.Answer = (_, _) => new FakeMoodleServer.Reply(200, "", Trickle: TimeSpan.FromSeconds(1));
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(321, "Lab"))]);
        await world.Moodle.WaitForCallsAsync(1);
        var called = Stopwatch.StartNew();
        // Budget against a hang only (the probe's call hung for minutes); no timing is asserted.
        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));
        output.WriteLine($"the call ended {called.Elapsed.TotalSeconds:0.0} s after it reached the server; {world.Moodle.TrickledBytes} body bytes trickled by then");

        Assert.True(world.Moodle.TrickledBytes > 0, "the call ended before the body began: not the case under test");
        Assert.Contains("did not answer within 00:00:02 (Moodle:Timeout, for the whole answer: headers and body", error.Reason, StringComparison.Ordinal);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Waiting == 2, "the delivery released for a replay"));
        Assert.Equal(0, status.Interrupted);
        Assert.Contains(status.Reasons, r => r.Contains("Moodle:Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Retry_After_of_a_day_is_waited_for_at_most_a_minute_and_the_delivery_ends()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:RetryLimit"] = "1" });
        world.Moodle.Answer = (_, _) => new FakeMoodleServer.Reply(503, "<html><body>maintenance</body></html>",
            Headers: new Dictionary<string, string> { ["Retry-After"] = "86400" });
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(323, "Lab"))]);
        await world.Moodle.WaitForCallsAsync(1);
        var called = Stopwatch.StartNew();
        // Budget against a hang only: without the cap the retry would wait the day the answer asks for.
        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));
        output.WriteLine($"retried after {called.Elapsed.TotalSeconds:0.0} s (Retry-After: 86400, capped at {Moodle.MoodleSiteHttpClients.MaxRetryDelay})");

        Assert.Equal(2, world.Moodle.Calls.Count);
        Assert.Contains("HTTP 503", error.Reason, StringComparison.Ordinal);
        Assert.Contains("after 1 retries", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_behind_a_byte_order_mark_is_read_as_Moodle_meant_it()
    {
        await using var world = new NotificationWorld([]);
        // A PHP file saved with a byte order mark puts it before Moodle's JSON.
        world.Moodle.Answer = (call, _) => FakeMoodleServer.Reply.Success(call, ids: world.Moodle) is var ok ? ok with { Body = "\uFEFF" + ok.Body } : ok;
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(324, "Lab"))]);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered + n[0].Failed == 2, "the delivery ended"));

        Assert.Equal((2, 0), (status.Delivered, status.Failed));
    }

    /// <summary>What Moodle's REST server, PHP or a proxy can answer, and how the delivery must end.</summary>
    [Theory]
    [InlineData("msgid 1.5", "not a list of message results, each with an integer msgid")]
    [InlineData("unknown character set", "character set this service does not know ('x-nonexistent'")]
    [InlineData("msgid as a string", "integer msgid")]
    [InlineData("errormessage as an object", "integer msgid")]
    [InlineData("an object, not a list", "not a list of message results")]
    [InlineData("empty body", "not a list of message results")]
    [InlineData("truncated JSON", "it starts \"[{\"msgid\":1001")]
    [InlineData("XML without moodlewsrestformat", "it starts \"<?xml")]
    [InlineData("maintenance page, HTTP 503 with Retry-After", "HTTP 503 Service Unavailable")]
    public async Task An_odd_answer_ends_the_delivery_with_a_reason_a_warning_and_a_metric(string answer, string reason)
    {
        await using var world = new NotificationWorld(new() { ["Moodle:RetryLimit"] = "0" });
        world.Moodle.Answer = (call, _) => Reply(answer, call);
        var logs = new CapturedLogs();
        await using var service = await world.StartServiceAsync(s => s.AddSingleton<ILoggerProvider>(logs));
        using var outcomes = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(322, "Lab"))]);
        var retried = answer.StartsWith("maintenance", StringComparison.Ordinal);
        var status = Assert.Single(await world.WaitForNotificationsAsync(
            // Waiting counts the pending records too: a reason shows that the call has ended.
            n => n.Count == 1 && (retried ? n[0].Waiting : n[0].Failed) == 2 && n[0].Reasons.Count > 0, retried ? "the delivery released for a replay" : "the delivery failed"));
        await world.Consumed.WaitForAsync(1);
        output.WriteLine($"{answer}: {string.Join(" | ", status.Reasons)}");

        Assert.Equal(0, status.Interrupted);
        Assert.Contains(status.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
        if (retried)
        {
            Assert.Equal(2, outcomes.Of("mofa_sync_notifications", ("outcome", NotificationOutcomes.CallFailed)));
            Assert.Contains(reason, Assert.Single(await world.WaitForErrorQueueAsync(1)).Reason, StringComparison.Ordinal);
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning: Digest", StringComparison.Ordinal) && l.Contains("sending to 2 teachers failed", StringComparison.Ordinal));
        }
        else
        {
            // Moodle answered 2xx: the messages may have gone out, so they are never sent again.
            Assert.Equal(2, outcomes.Of("mofa_sync_notifications", ("outcome", NotificationOutcomes.Unconfirmed)));
            Assert.All(status.Reasons, r => Assert.EndsWith(DigestDelivery.UnconfirmedReason, r, StringComparison.Ordinal));
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning: Digest", StringComparison.Ordinal) && l.Contains("ended unconfirmed", StringComparison.Ordinal));
            Assert.Empty(await world.ErrorQueueAsync());
        }

        Assert.Single(world.Moodle.Calls);
    }

    private static FakeMoodleServer.Reply Reply(string answer, FakeMoodleServer.Call call)
    {
        var id = call.Messages[0].ClientMsgId;
        return answer switch
        {
            "msgid 1.5" => new(200, $$"""[{"msgid":1.5,"clientmsgid":"{{id}}"}]"""),
            "unknown character set" => FakeMoodleServer.Reply.Success(call) with { ContentType = "application/json; charset=x-nonexistent" },
            "msgid as a string" => new(200, $$"""[{"msgid":"1001","clientmsgid":"{{id}}"}]"""),
            "errormessage as an object" => new(200, $$$"""[{"msgid":-1,"clientmsgid":"{{{id}}}","errormessage":{"text":"no"}}]"""),
            "an object, not a list" => new(200, """{"warnings":[]}"""),
            "empty body" => new(200, ""),
            "truncated JSON" => new(200, $$"""[{"msgid":1001,"clientmsgid":"{{id}}"},{"msgid":10"""),
            // Moodle's REST server answers XML when moodlewsrestformat is missing or dropped on the way.
            "XML without moodlewsrestformat" => new(200, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<MULTIPLE>\n</MULTIPLE>\n</RESPONSE>\n",
                ContentType: "application/xml; charset=utf-8"),
            // Maintenance mode (lib/setuplib.php): 503 with Retry-After and an HTML page.
            "maintenance page, HTTP 503 with Retry-After" => new(503, "<!DOCTYPE html><html><body><h1>Site is undergoing maintenance</h1></body></html>",
                Reason: "Service Unavailable", ContentType: "text/html; charset=utf-8", Headers: new Dictionary<string, string> { ["Retry-After"] = "30" }),
            _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "no such answer"),
        };
    }
}
