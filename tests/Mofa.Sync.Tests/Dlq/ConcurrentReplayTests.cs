using System.Text.Json;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// Replays are safe however many run (issue #23, H1): two `dlq replay` runs on one `_error` queue
/// of 300 messages that fail again (courseId −1…−300), the service running, lose none of them.
/// Before, each pass read on past the head the other had taken into the copies that had failed
/// again at the tail, took them for copies left by an interrupted replay and deleted them.
/// </summary>
public sealed class ConcurrentReplayTests
{
    private const int Messages = 300;

    [Fact]
    public async Task A_second_replay_while_one_holds_the_queue_is_refused_and_all_300_dead_letters_remain()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        await ParkRefailingCoursesAsync(env, service);

        // The first replay stops after reading its first message, holding the queue, until the test lets it go on.
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var first = Task.Run(() => new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, _ =>
        {
            if (holding.IsSet) return;
            holding.Set();
            release.Wait(TimeSpan.FromMinutes(2));
        }, CancellationToken.None));
        Assert.True(holding.Wait(TimeSpan.FromMinutes(1)), "the first replay did not start (budget against a hang)");

        var second = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--json");
        Assert.Equal(DlqReplayCommand.BusyExitCode, second.ExitCode);
        Assert.Contains($"another `mofa-sync dlq replay` or `dlq purge` is working on {errorQueue}", second.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was done", second.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, second.Out);
        await using (var other = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            await Assert.ThrowsAsync<DeadLetterQueueBusyException>(() => new DeadLetterPurger(other).PurgeAsync(errorQueue, DeadLetterFilter.All, null, CancellationToken.None));
        }

        release.Set();
        var result = await first;
        Assert.Equal((Messages, 0L, 0), (result.Replayed, result.DuplicatesRemoved, result.Failures.Count));

        // Each one failed again: the 300 are back in _error, once each.
        await env.WaitForHandledAsync(2 * Messages, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, Messages);
        AssertAllParkedOnce(await DlqTestKit.PeekAllAsync(env, errorQueue));

        // The lease went with the replay: the next one runs.
        Assert.Equal(Messages, (await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, true, null, CancellationToken.None)).Matched);
        var again = await MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--limit", "1", "--json");
        Assert.True(again.ExitCode == 0, again.Err);
    }

    /// <summary>The probe itself: two replays started at once, whichever wins; the 300 are all still there afterwards.</summary>
    [Fact]
    public async Task Two_replays_started_at_once_lose_none_of_300_messages_that_fail_again()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        await ParkRefailingCoursesAsync(env, service);

        var runs = await Task.WhenAll(
            MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--json"),
            MofaSyncCli.RunAsync(env, "dlq", "replay", "course", "--json"));

        long replayed = 0;
        foreach (var run in runs)
        {
            if (run.ExitCode == DlqReplayCommand.BusyExitCode)
            {
                Assert.Contains("nothing was done", run.Err, StringComparison.Ordinal);
                continue;
            }

            Assert.True(run.ExitCode == 0, run.Err);
            var json = JsonDocument.Parse(run.Out).RootElement;
            Assert.Equal(0, json.GetProperty("duplicatesRemoved").GetInt32());
            replayed += json.GetProperty("replayed").GetInt64();
        }

        Assert.True(replayed > 0, "neither replay ran");
        await env.WaitForHandledAsync(Messages + replayed, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, Messages);
        AssertAllParkedOnce(await DlqTestKit.PeekAllAsync(env, errorQueue));
    }

    /// <summary>
    /// A pass that reads on into its own republishes that failed again (here because another
    /// reader holds the rest of the queue unacknowledged, as `dlq list` does) stops there and
    /// removes nothing: such a copy is the message's only one.
    /// </summary>
    [Fact]
    public async Task A_replay_that_reaches_its_own_message_failed_again_stops_there_and_removes_nothing()
    {
        const int count = 10;
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        await ParkRefailingCoursesAsync(env, service, count);

        await ReplayIntoItsOwnFailedAgainCopyAsync(env, errorQueue, count);

        await env.WaitForHandledAsync(count + 2, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, count);
        AssertAllParkedOnce(await DlqTestKit.PeekAllAsync(env, errorQueue), count);
    }

    /// <summary>
    /// The same with a passing cause: the store is locked while the replay runs, so its first
    /// message fails again after its retries. Nothing is removed, and once the store is back a
    /// replay applies all ten.
    /// </summary>
    [Fact]
    public async Task A_message_that_fails_again_for_a_passing_cause_is_not_lost_and_applies_once_the_cause_is_gone()
    {
        const int count = 10;
        await using var env = new TestEnvironment(DlqTestKit.QuickStoreTimeout());
        await using var service = await TestService.StartAsync(env);
        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);
        var courses = Enumerable.Range(1, count).Select(i => DlqTestKit.Course(100 + i, $"Course {i}", $"locked-{i}", 1_788_000_000, i)).ToList();
        using (new SqliteWriteLock(env.DatabasePath))
        {
            await env.PublishAsync(courses.Select(BridgeBody.Of));
            await env.WaitForHandledAsync(count, service);
            await DlqTestKit.WaitForDeadLettersAsync(env, count);

            await ReplayIntoItsOwnFailedAgainCopyAsync(env, errorQueue, count);
            await env.WaitForHandledAsync(count + 2, service);
            await DlqTestKit.WaitForDeadLettersAsync(env, count);
        }

        var parked = await DlqTestKit.PeekAllAsync(env, errorQueue);
        Assert.Equal(courses.Select(c => c.EventId).ToHashSet(), parked.Select(m => m.EventId!).ToHashSet());
        Assert.Equal(count, parked.Count);

        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        Assert.Equal(count, (await new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, null, CancellationToken.None)).Replayed);
        await env.WaitForHandledAsync(2 * count + 2, service);
        Assert.Equal(count, (await env.ExportAsync()).Courses.Count);
        Assert.Empty(await DlqTestKit.PeekAllAsync(env, errorQueue));
    }

    /// <summary>
    /// Replays <paramref name="errorQueue"/> (of <paramref name="count"/> messages that fail again)
    /// so that its third read is its own first message, failed again: it stops when it has read its
    /// second message, waits for that copy at the tail, and another reader holds the originals in
    /// between. The pass must replay two and remove nothing.
    /// </summary>
    private static async Task ReplayIntoItsOwnFailedAgainCopyAsync(TestEnvironment env, string errorQueue, int count)
    {
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var examined = 0;
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var replay = Task.Run(() => new DeadLetterReplayer(broker).ReplayAsync(errorQueue, DeadLetterFilter.All, false, _ =>
        {
            if (++examined != 2) return;
            holding.Set();
            release.Wait(TimeSpan.FromMinutes(2));
        }, CancellationToken.None));
        Assert.True(holding.Wait(TimeSpan.FromMinutes(1)), "the replay did not reach its second message (budget against a hang)");

        // The first message failed again and is back at the tail: the other originals + that copy are ready.
        await WaitForReadyAsync(env, errorQueue, (uint)count - 1);

        // Another reader holds the other originals, so the replay's next read is that copy.
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using var holder = await connection.CreateChannelAsync();
        for (var i = 0; i < count - 2; i++) Assert.NotNull(await holder.BasicGetAsync(errorQueue, autoAck: false));

        release.Set();
        var result = await replay;
        Assert.Equal((2L, 0L), (result.Replayed, result.DuplicatesRemoved));
    }

    /// <summary>Course events with courseId −1…−n: the service refuses each at once, every time it sees it.</summary>
    private static async Task ParkRefailingCoursesAsync(TestEnvironment env, TestService service, int count = Messages)
    {
        await DlqTestKit.PublishAsync(env, Enumerable.Range(1, count).Select(i =>
        {
            var (routingKey, body) = BridgeBody.Of(DlqTestKit.Course(-i, $"Course {i}", $"refails-{i}", 1_788_000_000, i));
            return (routingKey, body, (string?)$"refails-{i}");
        }));
        await env.WaitForHandledAsync(count, service);
        await DlqTestKit.WaitForDeadLettersAsync(env, count);
    }

    private static void AssertAllParkedOnce(IReadOnlyList<DeadLetterMessage> parked, int count = Messages)
    {
        Assert.Equal(count, parked.Count);
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"refails-{i}").ToHashSet(), parked.Select(m => m.EventId!).ToHashSet());
    }

    /// <summary>Waits (a safety limit, not a timing assertion) until the queue has this many ready messages (passive declare: the current count).</summary>
    private static async Task WaitForReadyAsync(TestEnvironment env, string queue, uint ready)
    {
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await broker.DepthAsync(queue, CancellationToken.None))!.Messages < ready)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{queue} did not reach {ready} ready messages within a minute");
            await Task.Delay(20);
        }
    }
}
