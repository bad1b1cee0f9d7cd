using System.Text;
using System.Text.Json;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// A replay sends a message only to the queue its dead-letter queue belongs to (issue #23, M4):
/// a dead letter forged with `MT-Fault-InputAddress: rabbitmq://localhost/{victim}` went to the
/// victim queue with the operator's credentials. Real broker, `mofa-sync dlq replay` as an
/// operator runs it; no service, so the replayed message waits in the agent queue to be counted.
/// </summary>
public sealed class ForgedInputAddressTests
{
    [Fact]
    public async Task A_forged_input_address_sends_nothing_to_the_named_queue_and_the_message_goes_back_to_its_own()
    {
        await using var env = new TestEnvironment();
        string agentQueue, errorQueue;
        var victim = env.Rabbit.QueuePrefix + "-victim";
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using (var setup = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            (agentQueue, errorQueue) = await DlqTestKit.DeclareCourseQueuesAsync(setup, env);
            await setup.QueueDeclareAsync(victim, durable: false, exclusive: false, autoDelete: false);
            var props = new BasicProperties
            {
                MessageId = "forged-1",
                ContentType = "application/json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = "Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException"u8.ToArray(),
                    ["MT-Fault-Message"] = "anything"u8.ToArray(),
                    ["MT-Fault-InputAddress"] = Encoding.UTF8.GetBytes($"rabbitmq://localhost/{victim}"),
                    ["MofaSync-Routing-Key"] = "core.course_created"u8.ToArray(),
                },
            };
            await setup.BasicPublishAsync(string.Empty, errorQueue, true, props, "{\"eventId\":\"forged-1\"}"u8.ToArray());
        }

        try
        {
            var dry = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--dry-run", "--json");
            Assert.True(dry.ExitCode == 0, dry.Err);
            Assert.Equal([agentQueue], JsonDocument.Parse(dry.Out).RootElement.GetProperty("byTarget").EnumerateObject().Select(p => p.Name));

            var replay = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--json");
            Assert.True(replay.ExitCode == 0, replay.Err);
            var byTarget = JsonDocument.Parse(replay.Out).RootElement.GetProperty("byTarget");
            Assert.Equal(1, byTarget.GetProperty(agentQueue).GetInt32());
            Assert.False(byTarget.TryGetProperty(victim, out _));

            await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
            Assert.Equal(0u, (await broker.DepthAsync(victim, CancellationToken.None))!.Messages);
            Assert.Equal(1u, (await broker.DepthAsync(agentQueue, CancellationToken.None))!.Messages);
            Assert.Equal(0u, (await broker.DepthAsync(errorQueue, CancellationToken.None))!.Messages);
        }
        finally
        {
            await using var cleanup = await connection.CreateChannelAsync();
            await cleanup.QueueDeleteAsync(victim, ifUnused: false, ifEmpty: false);
        }
    }
}
