using System.Text.Json;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>The `mofa-sync dlq` commands as an operator or a script runs them: the built executable, real dead letters.</summary>
public sealed class DlqCommandLineTests
{
    private static Task<(int ExitCode, string Out, string Err)> RunAsync(TestEnvironment env, params string[] args) => MofaSyncCli.RunAsync(env, args);

    [Fact]
    public async Task List_show_replay_and_purge_work_from_the_command_line()
    {
        await using var env = new TestEnvironment();
        await using (var service = await TestService.StartAsync(env))
        {
            await DlqTestKit.PublishAsync(env, InvalidMessages.All());
            await env.WaitForHandledAsync(InvalidMessages.Ids.Length, service);
            await DlqTestKit.WaitForDeadLettersAsync(env, InvalidMessages.Ids.Length);
        }

        var errorQueue = DlqTestKit.ErrorQueue(env, SyncAgent.Course);

        var list = await RunAsync(env, "dlq", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        var queue = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal(errorQueue, queue.GetProperty("queue").GetString());
        Assert.Equal(9, queue.GetProperty("messages").GetInt32());
        Assert.Equal(3, queue.GetProperty("reasons").GetArrayLength());
        Assert.True(queue.GetProperty("oldestAgeSeconds").GetInt64() >= 0);

        var show = await RunAsync(env, "dlq", "show", "course", "--limit", "2", "--json");
        Assert.True(show.ExitCode == 0, show.Err);
        var shown = JsonDocument.Parse(show.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, shown.Count);
        Assert.All(shown, m => Assert.Equal("core.course_created", m.GetProperty("routingKey").GetString()));

        var dry = await RunAsync(env, "dlq", "replay", "course-agent_error", "--reason", "courseId", "--dry-run", "--json");
        Assert.True(dry.ExitCode == 0, dry.Err);
        Assert.Equal(3, JsonDocument.Parse(dry.Out).RootElement.GetProperty("matched").GetInt32());

        var refused = await RunAsync(env, "dlq", "purge", "course");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--yes", refused.Err + refused.Out, StringComparison.Ordinal);

        var unknown = await RunAsync(env, "dlq", "purge", "some-other-queue", "--yes");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("not a dead-letter queue of this service", unknown.Err, StringComparison.Ordinal);

        var purge = await RunAsync(env, "dlq", "purge", "course", "--reason", "not JSON", "--older-than", "0s", "--yes", "--json");
        Assert.True(purge.ExitCode == 0, purge.Err);
        Assert.Equal(2, JsonDocument.Parse(purge.Out).RootElement.GetProperty("purged").GetInt32());
        Assert.Equal(7, (await DlqTestKit.PeekAllAsync(env, errorQueue)).Count);

        // The service is stopped: the replayed messages wait in the agent queue.
        var replay = await RunAsync(env, "dlq", "replay", "course", "--limit", "2");
        Assert.True(replay.ExitCode == 0, replay.Err);
        Assert.Contains("Replayed 2 of 2", replay.Out, StringComparison.Ordinal);
        Assert.Equal(5, (await DlqTestKit.PeekAllAsync(env, errorQueue)).Count);
    }
}
