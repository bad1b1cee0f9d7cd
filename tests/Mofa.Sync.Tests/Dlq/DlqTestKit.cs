using System.Text;
using Microsoft.Data.Sqlite;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>Helpers of the dead-letter tests: publishing as the bridge does, waiting for dead letters, a course event.</summary>
internal static class DlqTestKit
{
    /// <summary>
    /// The agents' dead-letter queues only: the notification queue's dead letters (deliveries that
    /// met the locked store too) arrive on their own schedule and are not what these tests count.
    /// </summary>
    public static async Task<IReadOnlyList<DeadLetterBroker.QueueDepth>> AgentQueuesAsync(DeadLetterBroker broker) =>
        (await broker.ExistingQueuesAsync(CancellationToken.None))
            .Where(q => !q.Queue.Contains(".notifications_", StringComparison.Ordinal))
            .ToList();

    /// <summary>
    /// A store write fails after about a second of waiting for a lock, instead of five, so a
    /// locked store parks events quickly. (BusyTimeout is also the command timeout in whole
    /// seconds, so it must be at least one second: zero would mean wait for ever.)
    /// </summary>
    public static Dictionary<string, string?> QuickStoreTimeout() => new() { ["Store:Sqlite:BusyTimeout"] = "00:00:01" };

    public static string ErrorQueue(TestEnvironment env, SyncAgent agent) => QueueNames.ErrorOf(QueueNames.Agent(env.Rabbit.QueuePrefix, agent));

    /// <summary>Declares the course agent's queue and its _error queue as the service does, for tests that run no service.</summary>
    public static async Task<(string AgentQueue, string ErrorQueue)> DeclareCourseQueuesAsync(IChannel channel, TestEnvironment env)
    {
        var agentQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course);
        var errorQueue = QueueNames.ErrorOf(agentQueue);
        await channel.QueueDeclareAsync(agentQueue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false);
        return (agentQueue, errorQueue);
    }

    /// <summary>Publishes bodies like the bridge: persistent, JSON, message-id = the event id, confirmed.</summary>
    public static async Task PublishAsync(TestEnvironment env, IEnumerable<(string RoutingKey, string Body, string? EventId)> messages)
    {
        await using var publisher = await BridgePublisher.ConnectAsync(env.Rabbit, CancellationToken.None);
        await Task.WhenAll(messages.Select(m => publisher.PublishAsync(m.RoutingKey, Encoding.UTF8.GetBytes(m.Body), m.EventId, CancellationToken.None)));
    }

    public static CourseChanged Course(long courseId, string fullName, string eventId, long time, long sequence) => new()
    {
        SchemaVersion = 1,
        EventId = eventId,
        Site = "https://moodle.example.edu",
        EventName = BridgeRoutingKeys.ToEventName(BridgeRoutingKeys.CourseCreated),
        TimeCreated = time,
        Sequence = sequence,
        ActorId = 2,
        CourseId = courseId,
        FullName = fullName,
        ShortName = $"C{courseId}",
    };

    /// <summary>Waits (a generous safety limit, not a timing assertion) until the dead-letter queues together hold <paramref name="count"/> messages.</summary>
    public static async Task WaitForDeadLettersAsync(TestEnvironment env, long count)
    {
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        long seen;
        while ((seen = (await AgentQueuesAsync(broker)).Sum(q => (long)q.Messages)) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {seen} of {count} messages reached the dead-letter queues within 2 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>Every message of a dead-letter queue, head first, left in place.</summary>
    public static async Task<IReadOnlyList<DeadLetterMessage>> PeekAllAsync(TestEnvironment env, string queue)
    {
        await using var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None);
        return await DeadLetterBrowser.PeekAsync(broker, queue, int.MaxValue, CancellationToken.None);
    }
}

/// <summary>
/// Makes the mirror's SQLite file unwritable for the service: a second connection holds the
/// write lock (BEGIN EXCLUSIVE) until disposed. Unlike chmod, this also stops a process running as root.
/// </summary>
internal sealed class SqliteWriteLock : IDisposable
{
    private readonly SqliteConnection _connection;

    public SqliteWriteLock(string databasePath)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        _connection.Open();
        Exec("PRAGMA busy_timeout = 30000; BEGIN EXCLUSIVE;");
    }

    public void Dispose()
    {
        Exec("ROLLBACK");
        _connection.Dispose();
    }

    private void Exec(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs one statement on the database from outside the service (to break or repair it).</summary>
    public static void Execute(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA busy_timeout = 30000; {sql}";
        cmd.ExecuteNonQuery();
    }
}
