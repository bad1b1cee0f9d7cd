using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// One notification test's world: a fake Moodle, an isolated broker topology and SQLite file,
/// and the bridge events that make a course with teachers and change its modules.
/// </summary>
public sealed class NotificationWorld : IAsyncDisposable
{
    public const string Token = "tok-SeCrEt-0123456789abcdef";
    public const long CourseId = 42;
    public const string CourseName = "Biology & <Life> \"101\"";

    private long _sequence;

    /// <summary>The events' site is the one configured Moodle site (the one-site shorthand), played by the fake server.</summary>
    public NotificationWorld(Dictionary<string, string?> overrides)
    {
        Moodle = new FakeMoodleServer();
        Site = Moodle.BaseUrl;
        var settings = new Dictionary<string, string?>
        {
            ["Moodle:BaseUrl"] = Moodle.BaseUrl,
            ["Moodle:Token"] = Token,
            ["Moodle:Timeout"] = "00:00:10",
            ["Moodle:RetryLimit"] = "2",
            ["Moodle:RetryDelay"] = "00:00:00.050",
            ["Notifications:DigestWindow"] = "00:00:00",
            ["Notifications:FlushInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in overrides) settings[k] = v;
        Env = new TestEnvironment(settings);
    }

    public FakeMoodleServer Moodle { get; }

    public TestEnvironment Env { get; }

    public string Site { get; }

    public NotificationConsumeCounter Consumed { get; } = new();

    public Task<TestService> StartServiceAsync(Action<IServiceCollection>? extra = null) =>
        TestService.StartAsync(Env, services =>
        {
            services.AddSingleton<IConsumeObserver>(Consumed);
            extra?.Invoke(services);
        });

    /// <summary>The course and its teachers (and one student, whom the mirror ignores); waits until applied.</summary>
    public async Task CreateCourseWithTeachersAsync(TestService service, IEnumerable<long> teacherIds)
    {
        var events = new List<(string, string)> { BridgeBody.Of(Course()) };
        events.AddRange(teacherIds.Select(id => BridgeBody.Of(Role(id, "editingteacher"))));
        events.Add(BridgeBody.Of(Role(9999, "student")));
        var before = service.Activity.Handled;
        await Env.PublishAsync(events);
        await Env.WaitForHandledAsync(before + events.Count, service);
    }

    public CourseChanged Course() => new()
    {
        SchemaVersion = 1, EventId = NewId(), Site = Site, EventName = "\\core\\event\\course_created",
        TimeCreated = 1_700_000_000, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = CourseId, FullName = CourseName, ShortName = "BIO101",
    };

    public RoleAssigned Role(long userId, string role) => new()
    {
        SchemaVersion = 1, EventId = NewId(), Site = Site, EventName = "\\core\\event\\role_assigned",
        TimeCreated = 1_700_000_001, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = CourseId, UserId = userId, RoleShortName = role,
        User = new UserProfile { Username = $"u{userId}", Email = $"u{userId}@example.edu", FirstName = "T", LastName = userId.ToString(CultureInfo.InvariantCulture) },
    };

    public CourseModuleChanged ModuleCreated(long cmId, string name, string moduleName = "quiz") => new()
    {
        SchemaVersion = 1, EventId = NewId(), Site = Site, EventName = "\\core\\event\\course_module_created",
        TimeCreated = 1_700_000_100 + cmId, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = CourseId, CmId = cmId, ModuleName = moduleName, InstanceId = cmId + 500, Name = name,
    };

    /// <summary>An update of a module (routing key course_module.updated), at a later time than its create.</summary>
    public CourseModuleChanged ModuleUpdated(long cmId, string name, int step, string moduleName = "quiz") => ModuleCreated(cmId, name, moduleName) with
    {
        EventName = "\\core\\event\\course_module_updated", TimeCreated = 1_700_000_100 + cmId + step,
    };

    public CourseModuleDeleted ModuleDeleted(long cmId, string moduleName = "quiz") => new()
    {
        SchemaVersion = 1, EventId = NewId(), Site = Site, EventName = "\\core\\event\\course_module_deleted",
        TimeCreated = 1_700_001_000 + cmId, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = CourseId, CmId = cmId, ModuleName = moduleName, InstanceId = cmId + 500,
    };

    /// <summary>The notification store as `mofa-sync notifications` reads it.</summary>
    public async Task<IReadOnlyList<NotificationStatus>> NotificationsAsync()
    {
        await using var store = new SqliteNotificationStore(new SqliteStoreOptions { Path = Env.DatabasePath });
        await store.InitializeAsync(CancellationToken.None);
        return await store.RecentAsync(1000, CancellationToken.None);
    }

    /// <summary>Waits (generous safety limit, not a timing assertion) until <paramref name="done"/> holds for the notifications.</summary>
    public async Task<IReadOnlyList<NotificationStatus>> WaitForNotificationsAsync(Func<IReadOnlyList<NotificationStatus>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var recent = await NotificationsAsync();
            if (done(recent)) return recent;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"within 2 minutes: {what}; the notifications were {string.Join("; ", recent)}");
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<ErrorQueueMessage>> ErrorQueueAsync()
    {
        await using var connection = await TestBroker.ConnectAsync(Env.Rabbit);
        return await ErrorQueueMessage.PeekAllAsync(connection, QueueNames.ErrorOf(QueueNames.Notifications(Env.Rabbit.QueuePrefix)));
    }

    public async Task<IReadOnlyList<ErrorQueueMessage>> WaitForErrorQueueAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var messages = await ErrorQueueAsync();
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the notification error queue holds {messages.Count} of {count} messages after 2 minutes");
            await Task.Delay(100);
        }
    }

    private static string NewId() => Guid.NewGuid().ToString();

    public async ValueTask DisposeAsync()
    {
        await Moodle.DisposeAsync();
        await Env.DisposeAsync();
    }
}

/// <summary>Counts the deliveries the notification endpoint consumed (a MassTransit consume observer).</summary>
public sealed class NotificationConsumeCounter : IConsumeObserver
{
    private int _deliverDigest;
    private int _notificationRequested;

    public int DeliverDigest => Volatile.Read(ref _deliverDigest);

    /// <summary>DeliverDigest consumed: only ever one the previous version left (a test sends it).</summary>
    public int DeliverDigestFromPreviousVersion => DeliverDigest;

    /// <summary>NotificationRequested consumed by the sync's notification consumer (every copy, redeliveries included).</summary>
    public int NotificationRequested => Volatile.Read(ref _notificationRequested);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (typeof(T) == typeof(global::Mofa.Sync.Consumers.Notifications.DeliverDigest)) Interlocked.Increment(ref _deliverDigest);
        if (typeof(T) == typeof(global::Mofa.Sync.Contracts.Notifications.NotificationRequested)) Interlocked.Increment(ref _notificationRequested);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => PostConsume(context);

    /// <summary>Waits until the notification consumer has consumed <paramref name="count"/> NotificationRequested.</summary>
    public Task WaitForAsync(int count) => WaitUntilAsync(() => NotificationRequested, count, "NotificationRequested");

    /// <summary>
    /// Waits until <paramref name="count"/> DeliverDigest were consumed: a DeliverDigest counts once its
    /// consumer returned, which can be after the NotificationRequested it published was consumed.
    /// </summary>
    public Task WaitForDeliverDigestAsync(int count) => WaitUntilAsync(() => DeliverDigest, count, "DeliverDigest");

    private static async Task WaitUntilAsync(Func<int> consumed, int count, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (consumed() < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{consumed()} of {count} {what} consumed after 2 minutes");
            await Task.Delay(50);
        }
    }
}
