using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Settings;

/// <summary>
/// A mistyped option is refused before anything is touched (the built executable, a real broker):
/// `dlq purge course --older 7d --yes` once deleted every message of the queue.
/// </summary>
public sealed class UnknownOptionTests
{
    [Fact]
    public async Task A_typo_in_a_purge_touches_nothing_and_names_the_option_meant()
    {
        await using var env = new TestEnvironment();
        var queue = await DeadLettersAsync(env, 5);

        var typo = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--older", "7d", "--yes");
        // Refused before the command is checked: without --yes, the typo is what is named too.
        var typoUnconfirmed = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--older", "7d");
        Assert.Equal(2, typoUnconfirmed.ExitCode);
        Assert.Contains("did you mean --older-than?", typoUnconfirmed.Err, StringComparison.Ordinal);

        Assert.Equal(2, typo.ExitCode);
        var line = Assert.Single(typo.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--older", line, StringComparison.Ordinal);
        Assert.Contains("did you mean --older-than?", line, StringComparison.Ordinal);
        Assert.Equal(5u, await DepthAsync(env, queue));
    }

    [Fact]
    public async Task A_dry_run_purge_lists_what_it_would_delete_and_deletes_nothing()
    {
        await using var env = new TestEnvironment();
        var queue = await DeadLettersAsync(env, 4);

        var dry = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--dry-run", "--json");

        Assert.True(dry.ExitCode == 0, dry.Err);
        var report = JsonDocument.Parse(dry.Out).RootElement;
        Assert.Equal(4, report.GetProperty("wouldPurge").GetInt32());
        Assert.Equal(["dead-0", "dead-1", "dead-2", "dead-3"], report.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("eventId").GetString()));
        Assert.Equal(4u, await DepthAsync(env, queue));

        var text = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--dry-run");
        Assert.True(text.ExitCode == 0, text.Err);
        Assert.Equal(4, text.Out.Split('\n').Count(l => l.StartsWith("would purge\tdead-", StringComparison.Ordinal)));
        Assert.Contains("Nothing was deleted", text.Out, StringComparison.Ordinal);
        Assert.Equal(4u, await DepthAsync(env, queue));
    }

    [Fact]
    public async Task An_age_beyond_any_failure_time_is_refused_with_its_range()
    {
        await using var env = new TestEnvironment();
        var queue = await DeadLettersAsync(env, 2);

        var far = await MofaSyncCli.RunAsync(env, "dlq", "purge", "course", "--older-than", "9000000d", "--yes");

        Assert.Equal(2, far.ExitCode);
        Assert.Contains("--older-than must be between 0s and 3650d", far.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", far.Err, StringComparison.Ordinal);
        Assert.Equal(2u, await DepthAsync(env, queue));
    }

    [Theory]
    [InlineData("mirror show --fooo", "--fooo", "its options are --config, --setting, --json")]
    [InlineData("dlq replay course --reasn x --dry-run", "--reasn", "did you mean --reason?")]
    [InlineData("mirror export --json --include-tombstone", "--include-tombstone", "did you mean --include-tombstones?")]
    [InlineData("topology --check-onyl", "--check-onyl", "did you mean --check-only?")]
    [InlineData("mirror show -- extra", "extra", "takes nothing after --")]
    [InlineData("reconcile --sites x", "--sites", "did you mean --site?")]
    [InlineData("mirror show extra", "extra", "Unknown command")]
    public async Task Every_command_refuses_an_option_it_does_not_know(string commandLine, string named, string hint)
    {
        var run = await Validate.CommandLine.RunAsync(commandLine.Split(' '));

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Contains(hint, line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    /// <summary>Puts dead letters dead-0 … straight into the course agent's _error queue, declared as the service declares it.</summary>
    private static async Task<string> DeadLettersAsync(TestEnvironment env, int count)
    {
        var queue = QueueNames.ErrorOf(QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course));
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, ServiceQueues.DeadLetterQueueArguments(env.Rabbit));
        for (var i = 0; i < count; i++)
        {
            var properties = new BasicProperties
            {
                MessageId = $"dead-{i}",
                ContentType = "application/json",
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = "Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException",
                    ["MT-Fault-Message"] = "courseId must be positive",
                    ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.AddDays(-30).ToString("O"),
                },
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes("{\"courseId\":-1}"));
        }

        return queue;
    }

    /// <summary>The queue's depth by a passive declare: what the broker holds, whatever the command printed.</summary>
    private static async Task<uint> DepthAsync(TestEnvironment env, string queue)
    {
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
