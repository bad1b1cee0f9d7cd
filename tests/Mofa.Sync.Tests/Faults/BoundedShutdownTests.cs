using Microsoft.Data.Sqlite;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// SIGTERM ends the process within Service:ShutdownTimeout plus its few seconds of grace even
/// while a message is stuck in flight: here one waits in a two-minute retry back-off because the
/// store's file is locked by another process.
/// </summary>
public sealed class BoundedShutdownTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>BridgeEventConsumer's warning for a failed first attempt (the message then waits for its retry).</summary>
    private const string FailedAttempt = "failed (attempt 1)";

    [Fact]
    public async Task Sigterm_ends_the_process_in_bounded_time_while_a_message_waits_in_a_long_retry()
    {
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string>
        {
            ["Service:ShutdownTimeout"] = ShutdownTimeout.ToString(),
            ["Store:Sqlite:BusyTimeout"] = "00:00:00.100",
            ["Sync:RetryLimit"] = "3",
            ["Sync:RetryMinInterval"] = "00:02:00",
            ["Sync:RetryMaxInterval"] = "00:02:00",
            // The failed attempt's warning is the test's sign that the message is in its back-off.
            ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Warning",
        });
        await service.WaitUntilReadyAsync();

        // Another process holds the write lock: every write of the service fails and is retried later.
        await using var locker = new SqliteConnection($"Data Source={env.DatabasePath}");
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        await env.PublishAsync([new PhpBridge("https://moodle.example.edu").Event(CourseCreated, new { courseId = 101, fullName = "Stuck", shortName = "S" })]);
        await service.WaitForOutputAsync(FailedAttempt, FaultRun.HangBudget);

        // The bound is ShutdownTimeout + 5 s; the margin is a safety limit for process tear-down, as in GracefulShutdownTests.
        service.Terminate();
        var exitCode = await service.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(20));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{service.Tail()}");

        // The SIGTERM hit the message in flight: it was neither applied nor dead-lettered, and waits in its queue again.
        await FaultRun.WaitForBacklogAsync(env, 1, "the message should have been in flight, unacknowledged, at the SIGTERM, and be queued again after the exit");
        Assert.Empty(await env.ErrorQueueAsync(Mofa.Sync.Consumers.Subscriptions.SyncAgent.Course));
    }
}
