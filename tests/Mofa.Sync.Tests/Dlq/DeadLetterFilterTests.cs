using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// list, show, replay and purge against real dead letters: contract-breaking messages the running
/// service parked in _error, plus a hand-made _skipped queue.
/// </summary>
public sealed class DeadLetterFilterTests
{
    private static async Task<(TestEnvironment Env, TestService Service, string ErrorQueue, List<string> Order)> ParkInvalidMessagesAsync()
    {
        var env = new TestEnvironment();
        var service = await TestService.StartAsync(env);
        await DlqTestKit.PublishAsync(env, InvalidMessages.All());
        await env.WaitForHandledAsync(InvalidMessages.Ids.Length, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, InvalidMessages.Ids.Length);
        var queue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        var order = (await DlqTestKit.PeekAllAsync(env, queue)).Select(m => m.EventId!).ToList();
        return (env, service, queue, order);
    }

    /// <summary>A _skipped queue as MassTransit makes it, holding one message that names where it came from.</summary>
    private static async Task<string> AddSkippedMessageAsync(TestEnvironment env, string inputQueue)
    {
        var queue = QueueNames.SkippedOf(QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.User));
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var props = new BasicProperties
        {
            ContentType = "application/json",
            MessageId = "s1",
            Persistent = true,
            Headers = new Dictionary<string, object?>
            {
                ["MT-Reason"] = "skip"u8.ToArray(),
                ["MT-Fault-InputAddress"] = System.Text.Encoding.UTF8.GetBytes($"rabbitmq://localhost/{inputQueue}"),
            },
        };
        await channel.BasicPublishAsync(string.Empty, queue, true, props, "{\"eventId\":\"s1\"}"u8.ToArray());
        return queue;
    }

    [Fact]
    public async Task List_groups_each_queue_by_reason_and_show_reads_the_head_without_removing()
    {
        var (env, service, errorQueue, order) = await ParkInvalidMessagesAsync();
        await using var _ = env;
        await using var __ = service;
        var skippedQueue = await AddSkippedMessageAsync(env, "anywhere");

        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var summaries = await DeadLetterSummary.ReadAllAsync(broker, CancellationToken.None);

        Assert.Equal([errorQueue, skippedQueue], summaries.Select(s => s.Queue));
        var errors = summaries[0];
        Assert.Equal(9, errors.Messages);
        Assert.Equal([4L, 3L, 2L], errors.Reasons.Select(g => g.Count));
        Assert.Contains(InvalidMessages.UnsupportedSchema, errors.Reasons[0].Example.Message, StringComparison.Ordinal);
        Assert.Contains(InvalidMessages.MissingCourseId, errors.Reasons[1].Reason.Message, StringComparison.Ordinal);
        Assert.Contains(InvalidMessages.NotJson, errors.Reasons[2].Reason.Message, StringComparison.Ordinal);
        Assert.All(errors.Reasons, g => Assert.Equal("InvalidBridgeMessageException", g.Reason.ShortType));
        Assert.NotNull(errors.OldestFailedAt);
        Assert.True(errors.OldestFailedAt <= DateTimeOffset.UtcNow);
        Assert.Equal(errors.Reasons.Min(g => g.OldestFailedAt), errors.OldestFailedAt);

        var skipped = Assert.Single(summaries[1].Reasons);
        Assert.StartsWith("skipped", skipped.Reason.Text, StringComparison.Ordinal);
        Assert.Null(summaries[1].OldestFailedAt);

        var shown = await DeadLetterBrowser.PeekAsync(broker, errorQueue, 3, CancellationToken.None);
        Assert.Equal(order.Take(3), shown.Select(m => m.EventId));
        Assert.All(shown, m =>
        {
            Assert.Equal("core.course_created", m.RoutingKey);
            Assert.Contains(InvalidMessages.ReasonOf(m.EventId!), m.Reason.Message, StringComparison.Ordinal);
            Assert.Null(m.RetryCount);
            Assert.Equal(env.Rabbit.QueuePrefix + ".course-agent", m.InputQueue);
            Assert.Equal(21, m.BodyPreview(20).Length);
        });

        // Reading took nothing away and changed no order.
        Assert.Equal(order, (await DlqTestKit.PeekAllAsync(env, errorQueue)).Select(m => m.EventId!));
    }

    [Fact]
    public async Task Purge_takes_only_what_the_reason_and_age_filters_match_and_keeps_the_order_of_the_rest()
    {
        var (env, service, errorQueue, order) = await ParkInvalidMessagesAsync();
        await using var _ = env;
        await using var __ = service;
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var purger = new DeadLetterPurger(broker);

        var byReason = await purger.PurgeAsync(errorQueue, new DeadLetterFilter(ReasonContains: "SCHEMAVERSION 2"), null, CancellationToken.None);
        Assert.Equal(4, byReason.Purged);
        Assert.Equal(9, byReason.Examined);
        var afterReason = order.Where(id => id[0] != 'a').ToList();
        Assert.Equal(afterReason, (await DlqTestKit.PeekAllAsync(env, errorQueue)).Select(m => m.EventId!));

        // Everything parked so far failed before this moment; two more fail after it.
        var between = DateTimeOffset.UtcNow;
        await DlqTestKit.PublishAsync(env, [InvalidMessages.Of("b8"), InvalidMessages.Of("c9")]);
        await env.WaitForHandledAsync(InvalidMessages.Ids.Length + 2, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, afterReason.Count + 2);

        var byAge = await purger.PurgeAsync(errorQueue, new DeadLetterFilter(FailedBefore: between), null, CancellationToken.None);
        Assert.Equal(afterReason.Count, byAge.Purged);
        Assert.Equal(["b8", "c9"], (await DlqTestKit.PeekAllAsync(env, errorQueue)).Select(m => m.EventId!).Order());

        // Both filters at once: only the young, missing-courseId one goes.
        var both = await purger.PurgeAsync(errorQueue, new DeadLetterFilter("courseId", DateTimeOffset.UtcNow.AddMinutes(1)), null, CancellationToken.None);
        Assert.Equal(1, both.Purged);
        Assert.Equal("c9", Assert.Single(await DlqTestKit.PeekAllAsync(env, errorQueue)).EventId);
    }

    [Fact]
    public void Purge_older_than_means_failed_before_now_minus_the_duration()
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var filter = new DlqPurgeCommand.Options { OlderThan = "2h", Reason = "locked", Yes = true }.Filter(now);
        Assert.Equal(now.AddHours(-2), filter.FailedBefore);
        Assert.Equal("locked", filter.ReasonContains);
        Assert.False(new DlqPurgeCommand.Options { OlderThan = "2h" }.Validate().Successful);
        Assert.False(new DlqPurgeCommand.Options { OlderThan = "later", Yes = true }.Validate().Successful);
    }

    [Fact]
    public async Task Replay_moves_only_what_the_filters_take_and_a_message_that_fails_again_returns_to_the_tail()
    {
        var (env, service, errorQueue, order) = await ParkInvalidMessagesAsync();
        await using var _ = env;
        await using var __ = service;
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var replayer = new DeadLetterReplayer(broker);

        var dry = await replayer.ReplayAsync(errorQueue, new DeadLetterFilter(ReasonContains: "courseId"), dryRun: true, null, CancellationToken.None);
        Assert.Equal((3L, 0L), (dry.Matched, dry.Replayed));
        Assert.Equal(3, dry.ByTarget[env.Rabbit.QueuePrefix + ".course-agent"]);
        Assert.Equal(order, (await DlqTestKit.PeekAllAsync(env, errorQueue)).Select(m => m.EventId!));

        // One message, the first that matches: still invalid, so it fails again and comes back last.
        var firstB = order.First(id => id[0] == 'b');
        var one = await replayer.ReplayAsync(errorQueue, new DeadLetterFilter("courseId", Limit: 1), dryRun: false, null, CancellationToken.None);
        Assert.Equal((1L, 1L), (one.Matched, one.Replayed));
        Assert.True(one.Examined <= order.IndexOf(firstB) + 1, "a limited replay stops reading once it has its messages");
        await env.WaitForHandledAsync(InvalidMessages.Ids.Length + 1, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, InvalidMessages.Ids.Length);

        var after = await DlqTestKit.PeekAllAsync(env, errorQueue);
        Assert.Equal(order.Where(id => id != firstB).Append(firstB), after.Select(m => m.EventId!));
        Assert.Contains(InvalidMessages.MissingCourseId, after[^1].Reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_queue_is_gone_is_not_replayed_and_stays()
    {
        await using var env = new TestEnvironment();
        var skippedQueue = await AddSkippedMessageAsync(env, "no-such-queue-" + env.Rabbit.QueuePrefix);
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);

        var result = await new DeadLetterReplayer(broker).ReplayAsync(skippedQueue, DeadLetterFilter.All, false, null, CancellationToken.None);

        Assert.Equal(0, result.Replayed);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("s1", failure.EventId);
        Assert.Contains("does not exist", failure.Error, StringComparison.Ordinal);
        Assert.Equal("s1", Assert.Single(await DlqTestKit.PeekAllAsync(env, skippedQueue)).EventId);
    }
}
