using System.Text;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Mofa.Sync.Consumers.Parsing;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>What a replay puts back on the agent queue, read straight from the broker (no service running to consume it).</summary>
public sealed class ReplayedMessageTests
{
    [Fact]
    public async Task A_replayed_message_keeps_its_properties_and_body_loses_the_fault_headers_and_carries_its_routing_key()
    {
        await using var env = new TestEnvironment();
        string agentQueue, errorQueue;
        var body = Encoding.UTF8.GetBytes("{\"eventId\":\"evt-1\",\"eventName\":\"\\\\core\\\\event\\\\course_updated\"}");

        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using (var setup = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            (agentQueue, errorQueue) = await DlqTestKit.DeclareCourseQueuesAsync(setup, env);
            var parked = new BasicProperties
            {
                ContentType = "application/json",
                MessageId = "evt-1",
                CorrelationId = "corr-9",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Reason"] = "fault"u8.ToArray(),
                    ["MT-Fault-ExceptionType"] = "Microsoft.Data.Sqlite.SqliteException"u8.ToArray(),
                    ["MT-Fault-Message"] = "SQLite Error 5: 'database is locked'."u8.ToArray(),
                    ["MT-Fault-InputAddress"] = Encoding.UTF8.GetBytes($"rabbitmq://localhost/{agentQueue}"),
                    ["MT-Fault-RetryCount"] = 2,
                    ["MT-Fault-Timestamp"] = "2026-11-29T05:09:21.4256407Z"u8.ToArray(),
                    ["MT-Host-MachineName"] = "vm"u8.ToArray(),
                    ["bridge-version"] = "1.4"u8.ToArray(),
                },
            };

            // Published the way the broker hands it to the error queue: routing key of the original event.
            await setup.ExchangeDeclareAsync(errorQueue, ExchangeType.Fanout, durable: true);
            await setup.QueueBindAsync(errorQueue, errorQueue, string.Empty);
            await setup.BasicPublishAsync(errorQueue, "core.course_updated", true, parked, body);
        }

        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var result = await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None);
        Assert.Equal(1, result.Replayed);

        await using var read = await connection.CreateChannelAsync();
        var got = await read.BasicGetAsync(agentQueue, autoAck: true);
        Assert.NotNull(got);
        Assert.Equal(string.Empty, got.Exchange);
        Assert.Equal(agentQueue, got.RoutingKey);
        Assert.Equal(body, got.Body.ToArray());
        Assert.Equal("application/json", got.BasicProperties.ContentType);
        Assert.Equal("evt-1", got.BasicProperties.MessageId);
        Assert.Equal("corr-9", got.BasicProperties.CorrelationId);
        Assert.True(got.BasicProperties.Persistent);
        var headers = got.BasicProperties.Headers!.Keys.Where(k => !k.StartsWith("x-dotnet-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["MofaSync-Replay-Pass", "MofaSync-Routing-Key", "bridge-version"], headers);

        // The routing key it was first published with travels in a header: the delivery's own key is now the queue's name.
        Assert.Equal("core.course_updated", OriginalRoutingKey.Read(got.BasicProperties.Headers));
        Assert.Null(await read.BasicGetAsync(errorQueue, autoAck: false));
    }
}
