using System.Text;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// What an interrupted replay leaves behind, two copies of a message in _error (the one not yet
/// removed, and the one that failed again), is counted once by `dlq list` and replayed once.
/// Real broker, no service running: the replayed message waits in the agent queue.
/// </summary>
public sealed class DuplicateCopyTests
{
    [Fact]
    public async Task Two_copies_of_a_message_are_listed_as_one_and_replayed_once()
    {
        await using var env = new TestEnvironment();
        string agentQueue, errorQueue;
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using (var setup = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            (agentQueue, errorQueue) = await DlqTestKit.DeclareCourseQueuesAsync(setup, env);
            async Task ParkAsync(string messageId, string body, string reason)
            {
                var props = new BasicProperties
                {
                    MessageId = messageId,
                    Persistent = true,
                    Headers = new Dictionary<string, object?>
                    {
                        ["MT-Fault-ExceptionType"] = "Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException"u8.ToArray(),
                        ["MT-Fault-Message"] = Encoding.UTF8.GetBytes(reason),
                        ["MofaSync-Routing-Key"] = "core.course_created"u8.ToArray(),
                    },
                };
                await setup.BasicPublishAsync(string.Empty, errorQueue, true, props, Encoding.UTF8.GetBytes(body));
            }

            await ParkAsync("e-1", "{\"eventId\":\"e-1\"}", "first failure");
            await ParkAsync("e-2", "{\"eventId\":\"e-2\"}", "first failure");
            await ParkAsync("e-1", "{\"eventId\":\"e-1\"}", "failed again");
            await ParkAsync("e-1", "{\"eventId\":\"e-1\",\"other\":1}", "same id, another body");
        }

        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var summary = await DeadLetterSummary.ReadAsync(broker, errorQueue, CancellationToken.None);
        Assert.Equal(3, summary.Messages);
        Assert.Equal(1, summary.DuplicateCopies);

        var dry = await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, dryRun: true, null, CancellationToken.None);
        Assert.Equal((3, 1), (dry.Matched, dry.DuplicatesRemoved));

        var result = await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, dryRun: false, null, CancellationToken.None);
        Assert.Equal((3, 1, 0), (result.Replayed, result.DuplicatesRemoved, result.Failures.Count));
        Assert.Equal(0u, (await broker.DepthAsync(errorQueue, CancellationToken.None))!.Messages);
        Assert.Equal(3u, (await broker.DepthAsync(agentQueue, CancellationToken.None))!.Messages);
    }
}
