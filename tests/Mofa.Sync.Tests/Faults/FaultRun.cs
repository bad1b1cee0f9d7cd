using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Integration.Convergence;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// What every fault test shares: a seeded history (the lead's HistoryGenerator), its in-order
/// meaning (ReferenceMirror), the wait until child processes have settled, and the final
/// comparison of the exported mirror with that meaning.
/// </summary>
public static class FaultRun
{
    public const string Outcomes = "mofa_sync_events_total";
    public const string Received = "mofa_sync_events_received_total";

    /// <summary>A safety limit against a hang for one step of a fault test (a fault point reached, a process gone); generous for a loaded machine.</summary>
    public static readonly TimeSpan HangBudget = TimeSpan.FromMinutes(2);

    public static (IReadOnlyList<MoodleEvent> History, MirrorExport Expected) History(int seed, int length)
    {
        var history = new HistoryGenerator(seed).Generate(length);
        return (history, ReferenceMirror.Of(history, new SyncOptions().TeacherRoleSet()));
    }

    /// <summary>
    /// Waits until the agents' queues are empty and the services' outcome counters have reached
    /// <paramref name="atLeast"/> and stayed still for two seconds: nothing waits and nothing is in
    /// flight. A safety limit, not a timing assertion.
    /// </summary>
    public static async Task WaitUntilSettledAsync(TestEnvironment env, long atLeast, params MofaSyncProcess[] services)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        await using var inspector = await QueueInspector.ConnectAsync(env.Rabbit, CancellationToken.None);
        double last = -1;
        var stillSince = DateTime.UtcNow;
        while (true)
        {
            double outcomes = 0;
            foreach (var s in services) outcomes += (await s.ScrapeAsync()).Sum(Outcomes);
            var backlog = await inspector.AgentBacklogAsync(env.Rabbit.QueuePrefix, CancellationToken.None);
            if (outcomes != last || backlog > 0)
            {
                last = outcomes;
                stillSince = DateTime.UtcNow;
            }
            else if (outcomes >= atLeast && DateTime.UtcNow - stillSince > TimeSpan.FromSeconds(2))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not settled within 4 minutes: {outcomes} outcomes of at least {atLeast}, {backlog} waiting\n" +
                    string.Join("\n---\n", services.Select(s => s.Tail())));
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Ready messages in the agents' queues.</summary>
    public static async Task<long> BacklogAsync(TestEnvironment env)
    {
        await using var inspector = await QueueInspector.ConnectAsync(env.Rabbit, CancellationToken.None);
        return await inspector.AgentBacklogAsync(env.Rabbit.QueuePrefix, CancellationToken.None);
    }

    /// <summary>
    /// Waits until exactly <paramref name="count"/> messages are ready in the agents' queues (the
    /// broker requeues a dead connection's deliveries soon after it notices; a passive declare, not
    /// the management API's sampled counts); fails with <paramref name="why"/> after <see cref="HangBudget"/>.
    /// </summary>
    public static async Task WaitForBacklogAsync(TestEnvironment env, long count, string why)
    {
        var deadline = DateTime.UtcNow + HangBudget;
        await using var inspector = await QueueInspector.ConnectAsync(env.Rabbit, CancellationToken.None);
        long backlog;
        while ((backlog = await inspector.AgentBacklogAsync(env.Rabbit.QueuePrefix, CancellationToken.None)) != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{why}: {backlog} messages waiting, not {count}, after {HangBudget}");
            await Task.Delay(100);
        }
    }

    /// <summary>The mirror equals the in-order meaning of the history, and nothing was dead-lettered.</summary>
    public static async Task AssertMirrorCompleteAsync(TestEnvironment env, MirrorExport expected)
    {
        var actual = await env.ExportAsync();
        Assert.True(expected.Courses.Count > 5 && expected.Modules.Count > 20 && expected.Users.Count > 0,
            "the history should exercise the collections");
        Assert.Equal(expected.ToJson(), actual.ToJson());
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            Assert.Empty(await env.ErrorQueueAsync(agent));
        }
    }
}
