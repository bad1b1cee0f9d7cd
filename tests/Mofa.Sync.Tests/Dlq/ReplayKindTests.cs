using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Parsing;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// A replay is judged like the first delivery: by the routing key the message was published with
/// (real broker, the service running, `mofa-sync dlq replay` as an operator runs it).
/// </summary>
public sealed class ReplayKindTests
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");

    [Fact]
    public async Task A_rejected_course_deleted_sent_on_course_created_is_rejected_again_when_replayed_and_the_course_stays()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        await env.PublishAsync([Bridge.Event(CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" })]);
        await env.WaitForHandledAsync(1, service);

        // A later event whose body says course_deleted, published on core.course_created.
        var (_, body) = Bridge.Event(CourseDeleted, new { courseId = 10, fullName = "Algebra", shortName = "ALG" });
        await env.PublishAsync(CourseCreated, body);
        await env.WaitForHandledAsync(2, service);
        var first = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Contains("does not match routing key 'core.course_created'", first.Reason, StringComparison.Ordinal);

        var replay = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--json");
        Assert.True(replay.ExitCode == 0, replay.Err + replay.Out);
        Assert.Equal(1, JsonDocument.Parse(replay.Out).RootElement.GetProperty("replayed").GetInt32());
        await env.WaitForHandledAsync(3, service);

        var again = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Contains("does not match routing key 'core.course_created'", again.Reason, StringComparison.Ordinal);
        Assert.Equal(CourseCreated, again.Headers[OriginalRoutingKey.Header]);
        Assert.Equal("Algebra", Assert.Single((await env.ExportAsync()).Courses).FullName);

        // And `dlq show` names the original routing key, not the queue the replay went through.
        var show = await MofaSyncCli.RunAsync(env, "dlq", "show", "course", "--json");
        Assert.True(show.ExitCode == 0, show.Err);
        Assert.Equal(CourseCreated, Assert.Single(JsonDocument.Parse(show.Out).RootElement.EnumerateArray()).GetProperty("routingKey").GetString());
    }

    [Fact]
    public async Task A_replayed_store_failure_is_applied_as_the_kind_of_its_original_routing_key()
    {
        await using var env = new TestEnvironment();
        var agentQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        var errorQueue = QueueNames.ErrorOf(agentQueue);
        await using var service = await TestService.StartAsync(env);

        // Parked as MassTransit parks a message that failed on the store: the original routing key, fault headers.
        var (_, body) = Bridge.Event(CourseUpdated, new { courseId = 11, fullName = "Geometry", shortName = "GEO" });
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.ExchangeDeclareAsync(errorQueue, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(errorQueue, errorQueue, string.Empty);
            var parked = new BasicProperties
            {
                ContentType = "application/json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = "Microsoft.Data.Sqlite.SqliteException"u8.ToArray(),
                    ["MT-Fault-Message"] = "SQLite Error 5: 'database is locked'."u8.ToArray(),
                    ["MT-Fault-InputAddress"] = Encoding.UTF8.GetBytes($"rabbitmq://localhost/{agentQueue}"),
                },
            };
            await channel.BasicPublishAsync(errorQueue, CourseUpdated, true, parked, Encoding.UTF8.GetBytes(body));
        }

        await using (var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            Assert.Equal(1, (await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None)).Replayed);
        }

        await env.WaitForHandledAsync(1, service);
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Equal("Geometry", Assert.Single((await env.ExportAsync()).Courses).FullName);
    }

    [Fact]
    public async Task A_message_sent_straight_to_an_agent_queue_without_its_routing_key_is_rejected()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var (_, body) = Bridge.Event(CourseCreated, new { courseId = 12, fullName = "Straight in", shortName = "SI" });
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.BasicPublishAsync(string.Empty, QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course), true,
                new BasicProperties { ContentType = "application/json", Persistent = true }, Encoding.UTF8.GetBytes(body));
        }

        await env.WaitForHandledAsync(1, service);
        Assert.Contains("the message has no routing key", Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course)).Reason, StringComparison.Ordinal);
        Assert.Empty((await env.ExportAsync()).Courses);
    }

    [Fact]
    public async Task A_header_naming_another_routing_key_is_ignored_on_a_message_published_to_the_bridge_exchange()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var (_, body) = Bridge.Event(CourseDeleted, new { courseId = 13 });
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            var props = new BasicProperties
            {
                ContentType = "application/json",
                Persistent = true,
                Headers = new Dictionary<string, object?> { [OriginalRoutingKey.Header] = Encoding.UTF8.GetBytes(CourseDeleted) },
            };
            await channel.BasicPublishAsync(env.Rabbit.Exchange, CourseCreated, true, props, Encoding.UTF8.GetBytes(body));
        }

        await env.WaitForHandledAsync(1, service);
        Assert.Contains("does not match routing key 'core.course_created'", Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course)).Reason, StringComparison.Ordinal);
    }
}
