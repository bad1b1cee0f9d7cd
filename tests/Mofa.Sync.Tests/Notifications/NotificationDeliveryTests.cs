using System.Text.Json;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Teacher notifications end to end: bridge events through the real broker into the real service,
/// Moodle's web service played by a real HTTP server on 127.0.0.1.
/// </summary>
public sealed class NotificationDeliveryTests
{
    private static readonly long[] Teachers = [11, 12, 13];

    [Fact]
    public async Task Each_teacher_gets_one_message_a_refused_one_is_recorded_and_a_redelivery_sends_nothing()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.Answer = (call, _) => FakeMoodleServer.Reply.Success(call,
            m => m.ToUserId == 13 ? "The message could not be sent: the user can not receive messages" : null, world.Moodle);
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        var created = world.ModuleCreated(301, "Midterm <b>quiz</b> & more");
        await world.Env.PublishAsync([BridgeBody.Of(created)]);
        var statuses = await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered + n[0].Failed == 3, "3 deliveries recorded");

        var call = Assert.Single(world.Moodle.Calls);
        Assert.Equal("/moodle/webservice/rest/server.php", call.Path);
        Assert.Equal(NotificationWorld.Token, call.Token);
        Assert.Equal("core_message_send_instant_messages", call.Function);
        Assert.Equal("json", call.Format);
        Assert.Equal(Teachers, call.Messages.Select(m => m.ToUserId).Order());
        Assert.DoesNotContain(9999L, call.Messages.Select(m => m.ToUserId));
        Assert.All(call.Headers.Values, v => Assert.DoesNotContain(NotificationWorld.Token, v, StringComparison.Ordinal));
        var text = call.Messages[0].Text;
        Assert.Contains("Biology &amp; &lt;Life&gt; &quot;101&quot;", text, StringComparison.Ordinal);
        Assert.Contains("Midterm &lt;b&gt;quiz&lt;/b&gt; &amp; more", text, StringComparison.Ordinal);
        Assert.Contains($"{world.Site}/mod/quiz/view.php?id=301", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
        Assert.All(call.Messages, m => Assert.Equal(1, m.TextFormat));
        Assert.Equal(3, call.Messages.Select(m => m.ClientMsgId).Distinct().Count());

        var status = Assert.Single(statuses);
        Assert.Equal(DigestChange.IdFor(world.Site, created.EventId), status.NotificationId);
        Assert.Equal((3, 2, 1), (status.Recipients, status.Delivered, status.Failed));
        Assert.Contains(status.Reasons, r => r.Contains("can not receive messages", StringComparison.Ordinal));

        // The same bridge event again (a redelivery): recorded before, so nothing new is due and nobody gets a second message.
        await world.Consumed.WaitForAsync(1);
        var handled = service.Activity.Handled;
        await world.Env.PublishAsync([BridgeBody.Of(created)]);
        await world.Env.WaitForHandledAsync(handled + 1, service);
        Assert.Equal(1, world.Consumed.NotificationRequested);
        Assert.Single(world.Moodle.Calls);
        Assert.Single(await world.NotificationsAsync());

        // A delete carries no name: the text uses the last known one; a stale duplicate of the create records nothing.
        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleDeleted(301))]);
        await world.Moodle.WaitForCallsAsync(2);
        var deleted = world.Moodle.Calls.Single(c => c.Number == 2).Messages[0].Text;
        Assert.Contains("Midterm &lt;b&gt;quiz&lt;/b&gt; &amp; more", deleted, StringComparison.Ordinal);
        Assert.Contains("was deleted", deleted, StringComparison.Ordinal);
        // The delete's digest is delivered inside a NotificationRequested's consume: wait for that consume to
        // end (the create's digest, the delete's) before taking the count.
        await world.Consumed.WaitForAsync(2);
        var consumed = world.Consumed.NotificationRequested;
        var before = service.Activity.Handled;
        await world.Env.PublishAsync([BridgeBody.Of(created)]);
        await world.Env.WaitForHandledAsync(before + 1, service);
        await world.WaitForNotificationsAsync(n => n.Count == 2 && n.All(x => x.Delivered + x.Failed == 3), "the delete delivered");
        Assert.Equal(consumed, world.Consumed.NotificationRequested);
        Assert.True(world.Moodle.Calls.Count == 2, "calls: " + string.Join(" | ", world.Moodle.Calls.Select(c =>
            $"#{c.Number} to {string.Join(",", c.Messages.Select(m => m.ToUserId))}: {string.Join(" / ", c.Messages.Select(m => m.ClientMsgId))}")));
    }

    [Fact]
    public async Task A_module_changed_three_times_in_the_window_is_one_NotificationRequested_that_a_second_subscriber_gets_too()
    {
        await using var world = new NotificationWorld(new() { ["Notifications:DigestWindow"] = "00:00:05" });
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);
        await using var subscriber = await Subscriber.BindAsync(world);

        var changes = new[] { world.ModuleCreated(306, "Lab report", "assign"), world.ModuleUpdated(306, "Lab report v2", 1, "assign"), world.ModuleUpdated(306, "Lab report v3", 2, "assign") };
        // One after the other, as a teacher edits: applied concurrently, an older edit would be stale and notify nothing.
        foreach (var change in changes)
        {
            var handled = service.Activity.Handled;
            await world.Env.PublishAsync([BridgeBody.Of(change)]);
            await world.Env.WaitForHandledAsync(handled + 1, service);
        }

        var statuses = await world.WaitForNotificationsAsync(n => n.Count == 3 && n.All(x => x.Delivered == 3), "the three changes delivered");
        await world.Consumed.WaitForAsync(1);

        // One digest, one Moodle call with one message per teacher, naming the module's last name.
        var digestId = Assert.Single(statuses.Select(s => s.DigestId).Distinct());
        var call = Assert.Single(world.Moodle.Calls);
        Assert.Equal(Teachers, call.Messages.Select(m => m.ToUserId).Order());
        Assert.Contains("3 changes in your course", call.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(1, world.Consumed.NotificationRequested);

        // The other service's queue got the same one message: the digest, its teachers, its three changes, its text.
        var got = Assert.Single(await subscriber.ReceivedAsync(1));
        Assert.Equal(DigestPublisher.MessageIdOf(digestId), Guid.Parse(got.BasicProperties.MessageId!));
        using var envelope = JsonDocument.Parse(got.Body);
        var message = envelope.RootElement.GetProperty("message");
        Assert.Equal(["urn:message:Mofa.Sync.Contracts.Notifications:NotificationRequested"],
            envelope.RootElement.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(digestId, message.GetProperty("notificationId").GetString());
        Assert.Equal(world.Site, message.GetProperty("site").GetString());
        Assert.Equal(NotificationWorld.CourseId, message.GetProperty("course").GetProperty("id").GetInt64());
        Assert.Equal(NotificationWorld.CourseName, message.GetProperty("course").GetProperty("name").GetString());
        Assert.Equal(Teachers, message.GetProperty("recipients").EnumerateArray().Select(r => r.GetInt64()));
        var listed = message.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(changes.Select(c => c.EventId), listed.Select(c => c.GetProperty("eventId").GetString()));
        Assert.Equal(["created", "updated", "updated"], listed.Select(c => c.GetProperty("kind").GetString()));
        Assert.All(listed, c => Assert.Equal(306, c.GetProperty("cmId").GetInt64()));
        Assert.Equal(call.Messages[0].Text, message.GetProperty("text").GetProperty("html").GetString());
        Assert.StartsWith($"3 changes in your course “{NotificationWorld.CourseName}”:\n", message.GetProperty("text").GetProperty("plain").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NotificationRequested_delivered_twice_messages_each_teacher_once()
    {
        await using var world = new NotificationWorld([]);
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);
        await using var subscriber = await Subscriber.BindAsync(world);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(307, "Quiz 1"))]);
        await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 3, "delivered");
        await world.Consumed.WaitForAsync(1);
        var first = Assert.Single(await subscriber.ReceivedAsync(1));

        // The same message again, as a redelivery or a second publish after a crash would bring it.
        await subscriber.RepublishAsync(first);
        await world.Consumed.WaitForAsync(2);

        Assert.Equal(2, world.Consumed.NotificationRequested);
        var call = Assert.Single(world.Moodle.Calls);
        Assert.Equal(Teachers, call.Messages.Select(m => m.ToUserId).Order());
        Assert.Equal(3, Assert.Single(await world.NotificationsAsync()).Delivered);
    }

    [Fact]
    public async Task Changes_within_the_digest_window_go_out_as_one_message_per_teacher()
    {
        await using var world = new NotificationWorld(new() { ["Notifications:DigestWindow"] = "00:00:05" });
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, [21, 22]);

        // A course restore: 40 modules at once.
        await world.Env.PublishAsync(Enumerable.Range(1, 40).Select(i => BridgeBody.Of(world.ModuleCreated(1000 + i, $"Resource {i}", "page"))));
        var statuses = await world.WaitForNotificationsAsync(n => n.Count == 40 && n.All(x => x.Delivered == 2), "40 notifications delivered");

        Assert.Single(statuses.Select(s => s.DigestId).Distinct());
        var call = Assert.Single(world.Moodle.Calls);
        Assert.Equal([21L, 22L], call.Messages.Select(m => m.ToUserId).Order());
        Assert.Contains("40 changes in your course", call.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("and 25 more", call.Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_token_ends_in_the_error_queue_with_a_readable_reason_and_no_token()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.Answer = (_, _) => FakeMoodleServer.Reply.Exception("invalidtoken", "Invalid token - token not found");
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(302, "Essay", "assign"))]);
        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));

        Assert.Contains("invalidtoken", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Invalid token - token not found", error.Reason, StringComparison.Ordinal);
        Assert.All(error.Headers.Values, v => Assert.DoesNotContain(NotificationWorld.Token, v, StringComparison.Ordinal));
        Assert.DoesNotContain(NotificationWorld.Token, error.Body, StringComparison.Ordinal);
        Assert.Single(world.Moodle.Calls); // permanent: not retried
        var status = Assert.Single(await world.NotificationsAsync());
        Assert.Equal((3, 0, 3), (status.Recipients, status.Delivered, status.Waiting));
        Assert.Contains(status.Reasons, r => r.Contains("invalidtoken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_503_and_an_answer_past_the_timeout_are_retried_until_Moodle_answers()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:Timeout"] = "00:00:01", ["Moodle:RetryLimit"] = "3" });
        world.Moodle.Answer = (call, n) => n switch
        {
            1 => FakeMoodleServer.Reply.Unavailable,
            2 => FakeMoodleServer.Reply.Success(call, ids: world.Moodle) with { Delay = TimeSpan.FromSeconds(4) },
            _ => FakeMoodleServer.Reply.Success(call, ids: world.Moodle),
        };
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(303, "Poll", "choice"))]);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 3, "delivered after retries"));

        Assert.Equal(3, world.Moodle.Calls.Count);
        Assert.All(world.Moodle.Calls, c => Assert.Equal(Teachers, c.Messages.Select(m => m.ToUserId).Order()));
        Assert.Equal(0, status.Failed);
        Assert.Empty(await world.ErrorQueueAsync());
    }

    [Fact]
    public async Task A_Moodle_that_stays_unavailable_ends_in_the_error_queue_after_the_retries()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:RetryLimit"] = "2" });
        world.Moodle.Answer = (_, _) => FakeMoodleServer.Reply.Unavailable;
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(304, "Slides", "resource"))]);
        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));

        Assert.Contains("HTTP 503", error.Reason, StringComparison.Ordinal);
        Assert.Contains("after 2 retries", error.Reason, StringComparison.Ordinal);
        Assert.Equal(3, world.Moodle.Calls.Count);
        Assert.Equal(3, Assert.Single(await world.NotificationsAsync()).Waiting);
    }

    [Fact]
    public async Task A_site_without_a_token_is_mirrored_and_its_notifications_are_recorded_as_not_sent_saying_why()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:Token"] = "" });
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(305, "Reading"))]);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].NotSent == 3, "recorded as not sent"));

        Assert.Empty(world.Moodle.Calls);
        var why = $"not sent: the Moodle site {world.Site} has no web service token (Moodle:Sites)";
        Assert.Equal([why], status.Reasons);
        Assert.Equal(why, Host.Commands.NotificationsCommand.StatusOf(status));
    }

    [Fact]
    public async Task Without_any_Moodle_site_every_site_is_mirrored_and_notifications_are_recorded_as_not_sent()
    {
        await using var world = new NotificationWorld(new() { ["Moodle:BaseUrl"] = "", ["Moodle:Token"] = "" });
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(305, "Reading"))]);
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].NotSent == 3, "recorded as not sent"));

        Assert.Empty(world.Moodle.Calls);
        Assert.Equal([DigestDelivery.NoMoodleReason], status.Reasons);
        Assert.Equal(DigestDelivery.NoMoodleReason, Host.Commands.NotificationsCommand.StatusOf(status));
    }
}

/// <summary>Another Mofa service: its own queue bound to this deployment's NotificationRequested exchange.</summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly string _exchange;

    private Subscriber(IConnection connection, IChannel channel, string queue, string exchange) =>
        (_connection, _channel, _queue, _exchange) = (connection, channel, queue, exchange);

    public static async Task<Subscriber> BindAsync(NotificationWorld world)
    {
        var connection = await TestBroker.ConnectAsync(world.Env.Rabbit);
        var channel = await connection.CreateChannelAsync();
        var exchange = NotificationTopology.ExchangeName(world.Env.Rabbit.QueuePrefix);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        return new Subscriber(connection, channel, queue, exchange);
    }

    /// <summary>Waits (safety limit, not a timing assertion) for <paramref name="count"/> messages, then takes whatever else is there.</summary>
    public async Task<List<BasicGetResult>> ReceivedAsync(int count)
    {
        var received = new List<BasicGetResult>();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            if (await _channel.BasicGetAsync(_queue, autoAck: true) is { } got) received.Add(got);
            else await Task.Delay(50);
        }

        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } more) received.Add(more);
        return received;
    }

    /// <summary>Publishes a received copy again, byte for byte with its properties, to the notification exchange.</summary>
    public async Task RepublishAsync(BasicGetResult got) =>
        await _channel.BasicPublishAsync(_exchange, "", mandatory: false, new BasicProperties(got.BasicProperties), got.Body);

    /// <summary>Publishes another body with a received copy's properties (content type, message type) to the notification exchange: a forgery.</summary>
    public async Task PublishAsync(BasicGetResult got, byte[] body) =>
        await _channel.BasicPublishAsync(_exchange, "", mandatory: false, new BasicProperties(got.BasicProperties) { MessageId = Guid.NewGuid().ToString() }, body);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
