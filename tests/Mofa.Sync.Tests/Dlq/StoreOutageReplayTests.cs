using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Convergence;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// Fault tolerance 2: the store is unavailable for a while. Events are retried, then parked in
/// _error with a readable reason; once the store is back, `dlq replay` (the same code the command
/// runs) completes the mirror, which then equals the in-order expectation.
/// </summary>
public sealed class StoreOutageReplayTests
{
    [Fact]
    public async Task Events_parked_while_the_store_was_locked_complete_the_mirror_after_a_replay()
    {
        var history = new HistoryGenerator(5).Generate(300);
        var expected = ReferenceMirror.Of(history, new SyncOptions().TeacherRoleSet());
        var beforeOutage = history.Take(150).ToList();
        var duringOutage = history.Skip(150).ToList();

        await using var env = new TestEnvironment(DlqTestKit.QuickStoreTimeout());
        await using var service = await TestService.StartAsync(env);
        await env.PublishAsync(beforeOutage.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(beforeOutage.Count, service);

        using (new SqliteWriteLock(env.DatabasePath))
        {
            await env.PublishAsync(duringOutage.Select(BridgeBody.Of));
            await env.WaitForHandledAsync(history.Count, service);
        }

        // Parked, with the store's own words, after the configured retries.
        var parked = new List<DeadLetterMessage>();
        // The history has no event for the reconcile agent: its error queue never comes to exist.
        foreach (var agent in Enum.GetValues<SyncAgent>().Where(a => a != SyncAgent.Reconcile))
        {
            parked.AddRange(await DlqTestKit.PeekAllAsync(env, DlqTestKit.ErrorQueue(env, agent)));
        }

        Assert.True(parked.Count > 50, $"only {parked.Count} of {duringOutage.Count} events written during the outage were parked");
        Assert.All(parked, m =>
        {
            Assert.Contains("database is locked", m.Reason.Message, StringComparison.Ordinal);
            Assert.Equal("Microsoft.Data.Sqlite.SqliteException", m.Reason.ExceptionType);
            Assert.Equal(2, m.RetryCount);
            Assert.NotNull(m.FailedAt);
        });
        Assert.Subset(duringOutage.Select(e => e.EventId).ToHashSet(), parked.Select(m => m.EventId!).ToHashSet());
        Assert.NotEqual(expected.ToJson(), (await env.ExportAsync()).ToJson());

        // The store is back: replay every _error queue.
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var replayer = new DeadLetterReplayer(broker);
        long replayed = 0;
        foreach (var queue in await DlqTestKit.AgentQueuesAsync(broker))
        {
            var result = await replayer.ReplayAsync(queue.Queue, DeadLetterFilter.All, dryRun: false, examined: null, CancellationToken.None);
            Assert.Empty(result.Failures);
            Assert.Equal(queue.Messages, result.Replayed);
            Assert.Equal([QueueNames.SourceOf(queue.Queue)], result.ByTarget.Keys);
            replayed += result.Replayed;
        }

        Assert.Equal(parked.Count, replayed);
        await env.WaitForHandledAsync(history.Count + replayed, service);

        Assert.Equal(expected.ToJson(), (await env.ExportAsync()).ToJson());
        Assert.All(await DlqTestKit.AgentQueuesAsync(broker), q => Assert.Equal(0u, q.Messages));
    }

    [Fact]
    public async Task A_replayed_message_that_fails_again_returns_to_error_with_the_new_reason()
    {
        await using var env = new TestEnvironment(DlqTestKit.QuickStoreTimeout());
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        var course = DlqTestKit.Course(7, "Signals and Systems", "evt-course-7", 1_788_000_000, 1);

        // First failure: the store is locked.
        using (new SqliteWriteLock(env.DatabasePath))
        {
            await env.PublishAsync([BridgeBody.Of(course)]);
            await env.WaitForHandledAsync(1, service);
        }

        var first = Assert.Single(await DlqTestKit.PeekAllAsync(env, errorQueue));
        Assert.Equal("evt-course-7", first.EventId);
        Assert.Contains("database is locked", first.Reason.Message, StringComparison.Ordinal);

        // The lock is gone but the store is broken another way when the operator replays.
        SqliteWriteLock.Execute(env.DatabasePath, "ALTER TABLE courses RENAME TO courses_moved_away");
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var replayer = new DeadLetterReplayer(broker);
        Assert.Equal(1, (await replayer.ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None)).Replayed);
        await env.WaitForHandledAsync(2, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, 1);

        var second = Assert.Single(await DlqTestKit.PeekAllAsync(env, errorQueue));
        Assert.Equal("evt-course-7", second.EventId);
        Assert.Contains("no such table: courses", second.Reason.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", second.Reason.Message, StringComparison.Ordinal);
        Assert.Equal(2, second.RetryCount);
        Assert.True(second.FailedAt > first.FailedAt, "the fault headers are the new failure's, not the first one's");
        Assert.Equal(first.Body.ToArray(), second.Body.ToArray());
        Assert.Equal("application/json", second.Properties.ContentType);

        // Repaired: the next replay lands.
        SqliteWriteLock.Execute(env.DatabasePath, "ALTER TABLE courses_moved_away RENAME TO courses");
        Assert.Equal(1, (await replayer.ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None)).Replayed);
        await env.WaitForHandledAsync(3, service);

        var mirrored = Assert.Single((await env.ExportAsync()).Courses);
        Assert.Equal("Signals and Systems", mirrored.FullName);
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, errorQueue));
    }
}
