using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// Group retry with a cut-off: a replay takes only what failed before it began, so failures of the
/// same cause that join while it runs wait for the next decision instead of being retried in a
/// loop; --first N retries N and stops; on quorum queues a replayed message starts with a fresh
/// delivery count.
/// </summary>
public sealed class ReplayCutoffTests
{
    /// <summary>Budget against a hang, not a timing assertion.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Failures_that_join_while_a_replay_runs_are_left_for_the_next_one()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        await DlqTestKit.PublishAsync(env, new[] { "b1", "b2", "b3", "a1", "a2" }.Select(InvalidMessages.Of));
        await DlqTestKit.WaitForDeadLettersAsync(env, 5);

        // The replay begins; b4 and b5 fail (of the same cause) while it connects, before its first read.
        var began = DateTimeOffset.UtcNow;
        await DlqTestKit.PublishAsync(env, new[] { "b4", "b5" }.Select(InvalidMessages.Of));
        await DlqTestKit.WaitForDeadLettersAsync(env, 7);

        // b6 fails after the replay read its first message, which it holds until the test lets it go on.
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var replay = Task.Run(() => new DeadLetterReplayer(broker).ReplayAsync(errorQueue, new DeadLetterFilter(InvalidMessages.MissingCourseId, Cutoff: began), false, _ =>
        {
            if (holding.IsSet) return;
            holding.Set();
            release.Wait(Budget);
        }, CancellationToken.None));
        Assert.True(holding.Wait(Budget), "the replay did not read its first message (budget against a hang)");
        await DlqTestKit.PublishAsync(env, [InvalidMessages.Of("b6")]);
        await DlqTestKit.WaitForDeadLettersAsync(env, 7); // 6 ready beside the one the replay holds, and b6
        release.Set();
        var result = await replay;

        // The seven that were there were read; b1–b3 replayed; b4 and b5 left as newcomers; b6 never read.
        Assert.Equal((7L, 3L, 3L, 2L, 0), (result.Examined, result.Matched, result.Replayed, result.FailedAfterCutoff, result.Failures.Count));

        // b1–b3 fail again (still invalid) and come back; each message is there once, and only b1–b3 were replayed.
        await DlqTestKit.WaitForDeadLettersAsync(env, 8);
        var parked = await DlqTestKit.PeekAllAsync(env, errorQueue);
        Assert.Equal(["a1", "a2", "b1", "b2", "b3", "b4", "b5", "b6"], parked.Select(m => m.EventId!).Order(StringComparer.Ordinal));
        Assert.Equal(["b1", "b2", "b3"], parked.Where(m => m.ReplayPass is not null).Select(m => m.EventId!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task First_N_replays_N_messages_and_stops()
    {
        await using var env = new TestEnvironment();
        await using (var service = await TestService.StartAsync(env))
        {
            await DlqTestKit.PublishAsync(env, new[] { "b1", "a1", "b2", "b3" }.Select(InvalidMessages.Of));
            await DlqTestKit.WaitForDeadLettersAsync(env, 4);
        }

        var head = (await DlqTestKit.PeekAllAsync(env, DlqTestKit.ErrorQueue(env, SyncAgent.Course))).First(m => m.EventId!.StartsWith('b')).EventId;
        var first = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--reason", "courseId", "--first", "1", "--json");
        Assert.True(first.ExitCode == 0, first.Err);
        Assert.Equal(1, JsonDocument.Parse(first.Out).RootElement.GetProperty("replayed").GetInt32());

        // The service is stopped: the first of the group replayed waits in the agent queue, the others in _error.
        var sent = Assert.Single(await DlqTestKit.PeekAllAsync(env, QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course)));
        Assert.Equal(head, sent.EventId);
        Assert.Equal(3, (await DlqTestKit.PeekAllAsync(env, DlqTestKit.ErrorQueue(env, SyncAgent.Course))).Count);
    }

    [Fact]
    public async Task On_quorum_queues_a_replayed_message_starts_with_a_fresh_delivery_count()
    {
        await using var env = new TestEnvironment();
        env.Rabbit.QueueType = QueueType.Quorum;
        env.Rabbit.DeliveryLimit = 2;
        var agentQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        var errorQueue = QueueNames.ErrorOf(agentQueue);
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(agentQueue, durable: true, exclusive: false, autoDelete: false, ServiceQueues.WorkQueueArguments(env.Rabbit, agentQueue));
        await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false, ServiceQueues.DeadLetterQueueArguments(env.Rabbit));

        var (routingKey, body) = BridgeBody.Of(DlqTestKit.Course(41, "Course q1", "q1", 1_788_000_000, 1));
        var properties = new BasicProperties
        {
            MessageId = "q1", ContentType = "application/json", Persistent = true,
            Headers = new Dictionary<string, object?> { [OriginalRoutingKey.Header] = Encoding.UTF8.GetBytes(routingKey) },
        };
        await channel.BasicPublishAsync(string.Empty, agentQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));

        // A consumer that crashes each time: handed back until the broker dead-letters it past RabbitMq:DeliveryLimit.
        for (var attempt = 0; await DepthAsync(channel, errorQueue) == 0; attempt++)
        {
            Assert.True(attempt <= 10, "the broker did not dead-letter the message past its delivery limit");
            if (await channel.BasicGetAsync(agentQueue, autoAck: false) is { } got) await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        Assert.Equal("delivery_limit", DeadLetterHeaders.Text(Assert.Single(await DlqTestKit.PeekAllAsync(env, errorQueue)).Properties.Headers, "x-first-death-reason"));

        await using (var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            var result = await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None);
            Assert.Equal(1, result.Replayed);
        }

        var first = await channel.BasicGetAsync(agentQueue, autoAck: false);
        Assert.NotNull(first);
        Assert.False(first.Redelivered);
        Assert.True(DeadLetterHeaders.Integer(first.BasicProperties.Headers, "x-delivery-count") is null or 0);
        await channel.BasicNackAsync(first.DeliveryTag, multiple: false, requeue: true);

        // Its count starts again: one handing back is one, not the old count plus one, and the broker does not
        // dead-letter it again at once for the deliveries it had before.
        var second = await channel.BasicGetAsync(agentQueue, autoAck: false);
        Assert.NotNull(second);
        Assert.Equal(1, DeadLetterHeaders.Integer(second.BasicProperties.Headers, "x-delivery-count"));
        await channel.BasicAckAsync(second.DeliveryTag, multiple: false);
        Assert.Equal(0u, await DepthAsync(channel, errorQueue));
    }

    private static async Task<uint> DepthAsync(IChannel channel, string queue) => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
}
