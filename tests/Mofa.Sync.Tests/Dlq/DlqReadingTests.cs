using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// What an operator reads with `dlq list` and `dlq show` (issue #24, item 9): groups by the reason's
/// rule, each rule whole, and a parked notification shown as what it is about. The built
/// executable, real broker.
/// </summary>
public sealed class DlqReadingTests
{
    [Fact]
    public async Task Dlq_list_groups_messages_by_their_reasons_rule_and_prints_each_rule_whole()
    {
        await using var env = new TestEnvironment();
        await using (var service = await TestService.StartAsync(env))
        {
            var tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();
            await DlqTestKit.PublishAsync(env, Enumerable.Range(1, 9)
                .Select(i => DlqTestKit.Course(-i, $"Course {i}", $"negative-{i}", 1_788_000_000, i))
                .Concat(Enumerable.Range(1, 3).Select(i => DlqTestKit.Course(i, $"Course {i}", $"tomorrow-{i}", tomorrow + i, i)))
                .Select(c =>
                {
                    var (routingKey, body) = BridgeBody.Of(c);
                    return (routingKey, body, (string?)c.EventId);
                }));
            await env.WaitForHandledAsync(12, service);
            await DlqTestKit.WaitForDeadLettersAsync(env, 12);
        }

        var list = await MofaSyncCli.RunAsync(env, "dlq", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        var queue = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal(12, queue.GetProperty("messages").GetInt32());
        var reasons = queue.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Equal([9, 3], reasons.Select(r => r.GetProperty("count").GetInt32()));
        Assert.Equal("core.course_created: courseId must be a positive Moodle id (got …)", reasons[0].GetProperty("message").GetString());
        Assert.StartsWith("core.course_created: courseId must be a positive Moodle id (got -", reasons[0].GetProperty("example").GetString(), StringComparison.Ordinal);
        var clock = reasons[1].GetProperty("message").GetString()!;
        Assert.Contains("(got …); a later event is rejected", clock, StringComparison.Ordinal);
        Assert.EndsWith("(setting Sync:MaxClockSkew)", clock, StringComparison.Ordinal);

        // The table: each rule whole, up to what to do about it.
        var table = await MofaSyncCli.RunAsync(env, "dlq", "list");
        Assert.True(table.ExitCode == 0, table.Err);
        Assert.Contains("Sync:MaxClockSkew)", table.Out, StringComparison.Ordinal);
        Assert.Contains("12 dead-lettered message(s) in 1 queue(s)", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dlq_show_of_a_parked_notification_prints_its_course_recipients_and_changes()
    {
        await using var env = new TestEnvironment();
        var prefix = env.Rabbit.QueuePrefix;
        var notification = new NotificationRequested
        {
            NotificationId = "digest-42",
            Site = "https://moodle.example.edu",
            Course = new NotifiedCourse { Id = 10, Name = "Algebra \u001b[2J" },
            Recipients = [11, 12, 13],
            Changes =
            [
                new NotifiedChange { Kind = "created", CmId = 100, ModuleKind = "quiz", ItemName = "Week 1 quiz", ItemUrl = "https://moodle.example.edu/mod/quiz/view.php?id=100", TimeCreated = 1_788_000_000, EventId = "e-1" },
                new NotifiedChange { Kind = "updated", CmId = 101, ModuleKind = "assign", ItemName = "Essay", ItemUrl = "https://moodle.example.edu/mod/assign/view.php?id=101", TimeCreated = 1_788_000_010, EventId = "e-2" },
            ],
            Text = new NotificationMessageText { Plain = new string('x', 400), Html = new string('x', 400) },
            ClosedAt = 1_788_000_100,
        };

        // As MassTransit publishes it (an envelope around the message) and the service parks it.
        var envelope = JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = "0b1e0000-0000-0000-0000-000000000042",
            messageType = new[] { "urn:message:Mofa.Sync.Contracts.Notifications:NotificationRequested" },
            message = notification,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var errorQueue = QueueNames.ErrorOf(QueueNames.Notifications(prefix));
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, errorQueue, true, new BasicProperties
            {
                ContentType = "application/vnd.masstransit+json",
                MessageId = "0b1e0000-0000-0000-0000-000000000042",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = "Mofa.Sync.Moodle.MoodleUnavailableException"u8.ToArray(),
                    ["MT-Fault-Message"] = "Moodle did not answer after 4 retries: the connection was refused"u8.ToArray(),
                    ["MT-Fault-InputAddress"] = Encoding.UTF8.GetBytes($"rabbitmq://localhost/{QueueNames.Notifications(prefix)}"),
                    ["MofaSync-Routing-Key"] = ""u8.ToArray(),
                },
            }, envelope);
        }

        var show = await MofaSyncCli.RunAsync(env, "dlq", "show", "notifications");
        Assert.True(show.ExitCode == 0, show.Err);
        Assert.Contains("digest-42 on https://moodle.example.edu", show.Out, StringComparison.Ordinal);
        Assert.Contains("10 Algebra \\u001B[2J", show.Out, StringComparison.Ordinal);
        Assert.Contains("3 teacher(s): 11, 12, 13", show.Out, StringComparison.Ordinal);
        Assert.Contains("created quiz 'Week 1 quiz' (cm 100)", show.Out, StringComparison.Ordinal);
        Assert.Contains("updated assign 'Essay' (cm 101)", show.Out, StringComparison.Ordinal);
        Assert.Contains("none by the service", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("(not recorded)", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("routing key", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', show.Out);

        var json = await MofaSyncCli.RunAsync(env, "dlq", "show", "notifications", "--json");
        Assert.True(json.ExitCode == 0, json.Err);
        var shown = Assert.Single(JsonDocument.Parse(json.Out).RootElement.EnumerateArray()).GetProperty("notification");
        Assert.Equal(10, shown.GetProperty("course").GetProperty("id").GetInt64());
        Assert.Equal([11L, 12L, 13L], shown.GetProperty("recipients").EnumerateArray().Select(r => r.GetInt64()));
        Assert.Equal(2, shown.GetProperty("changes").GetArrayLength());
    }
}
