using System.Globalization;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Moodle sites are configuration: each site's token goes only to that site, never onward along a
/// redirect, and a message naming any other site changes nothing and calls nobody. Real HTTP
/// servers on 127.0.0.1 play the Moodles (and the hosts that must get nothing), through the real broker.
/// </summary>
public sealed class MoodleSitesTests
{
    private const string TokenA = "tok-A-SeCrEt-0123456789";
    private const string TokenB = "tok-B-SeCrEt-9876543210";
    private const long CourseId = 42;

    private static Dictionary<string, string?> Quick(Dictionary<string, string?> sites)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Moodle:Timeout"] = "00:00:10",
            ["Moodle:RetryLimit"] = "2",
            ["Moodle:RetryDelay"] = "00:00:00.050",
            ["Notifications:DigestWindow"] = "00:00:00",
            ["Notifications:FlushInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in sites) settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task Two_sites_each_get_only_their_own_token_and_their_own_teachers_and_the_same_eventId_on_both_is_delivered_on_both()
    {
        await using var moodleA = new FakeMoodleServer();
        await using var moodleB = new FakeMoodleServer();
        moodleA.Answer = (call, _) => FakeMoodleServer.Reply.Success(call, ids: moodleA);
        moodleB.Answer = (call, _) => FakeMoodleServer.Reply.Success(call, ids: moodleB);
        await using var env = new TestEnvironment(Quick(new()
        {
            ["Moodle:Sites:0:Url"] = moodleA.BaseUrl,
            ["Moodle:Sites:0:Token"] = TokenA,
            // Another spelling of the same wwwroot: configured and received sites meet in the canonical form.
            ["Moodle:Sites:1:Url"] = moodleB.BaseUrl.Replace("http://", "HTTP://", StringComparison.Ordinal) + "/",
            ["Moodle:Sites:1:Token"] = TokenB,
        }));
        await using var service = await TestService.StartAsync(env);

        // The same course id on both sites, different teachers; then a module change with the same eventId on both.
        var bSpelledOtherwise = moodleB.BaseUrl + "/";
        var events = new List<MoodleEvent>
        {
            Course(moodleA.BaseUrl, CourseId), Role(moodleA.BaseUrl, CourseId, 11), Role(moodleA.BaseUrl, CourseId, 12),
            Course(bSpelledOtherwise, CourseId), Role(bSpelledOtherwise, CourseId, 21), Role(bSpelledOtherwise, CourseId, 22),
        };
        await env.PublishAsync(events.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(events.Count, service);
        await env.PublishAsync([BridgeBody.Of(Module(moodleA.BaseUrl, CourseId, 301, "same-event-1")), BridgeBody.Of(Module(bSpelledOtherwise, CourseId, 301, "same-event-1"))]);

        var statuses = await WaitForNotificationsAsync(env, n => n.Count == 2 && n.All(x => x.Delivered == 2), "both sites' notifications delivered");

        var callA = Assert.Single(moodleA.Calls);
        Assert.Equal(TokenA, callA.Token);
        Assert.Equal([11L, 12L], callA.Messages.Select(m => m.ToUserId).Order());
        Assert.Contains($"{moodleA.BaseUrl}/mod/quiz/view.php?id=301", callA.Messages[0].Text, StringComparison.Ordinal);
        var callB = Assert.Single(moodleB.Calls);
        Assert.Equal(TokenB, callB.Token);
        Assert.Equal([21L, 22L], callB.Messages.Select(m => m.ToUserId).Order());
        Assert.Contains($"{moodleB.BaseUrl}/mod/quiz/view.php?id=301", callB.Messages[0].Text, StringComparison.Ordinal);

        Assert.Equal(
            new[] { DigestChange.IdFor(moodleA.BaseUrl, "same-event-1"), DigestChange.IdFor(moodleB.BaseUrl, "same-event-1") }.Order(StringComparer.Ordinal),
            statuses.Select(s => s.NotificationId).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { moodleA.BaseUrl, moodleB.BaseUrl }.Order(StringComparer.Ordinal), statuses.Select(s => s.Site).Order(StringComparer.Ordinal));

        // The mirror knows each site by its one name.
        var mirror = await env.ExportAsync();
        Assert.Equal(new[] { moodleA.BaseUrl, moodleB.BaseUrl }.Order(StringComparer.Ordinal), mirror.Courses.Select(c => c.Site).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(307)]
    [InlineData(302)]
    public async Task A_site_that_answers_with_a_redirect_is_not_followed_and_the_delivery_fails_with_its_reason(int status)
    {
        await using var moodle = new FakeMoodleServer();
        await using var elsewhere = new FakeMoodleServer();
        moodle.Answer = (_, _) => FakeMoodleServer.Reply.Redirect(status, elsewhere.BaseUrl.Replace("/moodle", "/stolen", StringComparison.Ordinal) + "?from=moodle");
        await using var env = new TestEnvironment(Quick(new() { ["Moodle:Sites:0:Url"] = moodle.BaseUrl, ["Moodle:Sites:0:Token"] = TokenA }));
        await using var service = await TestService.StartAsync(env);

        var events = new List<MoodleEvent> { Course(moodle.BaseUrl, CourseId), Role(moodle.BaseUrl, CourseId, 11), Role(moodle.BaseUrl, CourseId, 12) };
        await env.PublishAsync(events.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(events.Count, service);
        await env.PublishAsync([BridgeBody.Of(Module(moodle.BaseUrl, CourseId, 302, Guid.NewGuid().ToString()))]);

        var error = Assert.Single(await WaitForNotificationErrorsAsync(env, 1));
        var reason = $"Moodle at {moodle.BaseUrl} answered with a redirect to another address (HTTP {status.ToString(CultureInfo.InvariantCulture)}";
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains("redirects are not followed so the token cannot leave the site", error.Reason, StringComparison.Ordinal);
        Assert.All(error.Headers.Values, v => Assert.DoesNotContain(TokenA, v, StringComparison.Ordinal));
        Assert.DoesNotContain("from=moodle", error.Reason, StringComparison.Ordinal);

        // Permanent: one call, no retries; the address it pointed to got nothing at all.
        Assert.Single(moodle.Calls);
        Assert.Empty(elsewhere.Calls);
        var delivery = Assert.Single(await NotificationsAsync(env));
        Assert.Equal((2, 0), (delivery.Recipients, delivery.Delivered));
        Assert.Contains(delivery.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_larger_than_the_limit_is_not_read_and_the_delivery_fails_for_good_with_its_reason()
    {
        await using var moodle = new FakeMoodleServer();
        // 2 MB against a 1 MB limit, with HTTP 200: the retry's look into the body meets the limit first.
        moodle.Answer = (_, _) => new FakeMoodleServer.Reply(200, "[" + new string(' ', 2 * 1024 * 1024) + "]");
        await using var env = new TestEnvironment(Quick(new()
        {
            ["Moodle:Sites:0:Url"] = moodle.BaseUrl, ["Moodle:Sites:0:Token"] = TokenA, ["Moodle:MaxResponseMegabytes"] = "1",
        }));
        await using var service = await TestService.StartAsync(env);

        var events = new List<MoodleEvent> { Course(moodle.BaseUrl, CourseId), Role(moodle.BaseUrl, CourseId, 11) };
        await env.PublishAsync(events.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(events.Count, service);
        await env.PublishAsync([BridgeBody.Of(Module(moodle.BaseUrl, CourseId, 303, Guid.NewGuid().ToString()))]);

        var error = Assert.Single(await WaitForNotificationErrorsAsync(env, 1));
        var reason = $"Moodle at {moodle.BaseUrl} answered core_message_send_instant_messages with more than 1 MB (Moodle:MaxResponseMegabytes)";
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Single(moodle.Calls);
        var delivery = Assert.Single(await NotificationsAsync(env));
        Assert.Equal((1, 0), (delivery.Recipients, delivery.Delivered));
    }

    [Fact]
    public async Task Messages_naming_a_site_that_is_not_configured_go_to_the_error_queue_change_nothing_and_call_nobody()
    {
        await using var moodle = new FakeMoodleServer();
        await using var samehostOtherPort = new FakeMoodleServer();
        await using var env = new TestEnvironment(Quick(new() { ["Moodle:Sites:0:Url"] = moodle.BaseUrl, ["Moodle:Sites:0:Token"] = TokenA }));
        await using var service = await TestService.StartAsync(env);

        string[] strangers = ["https://x.example", "http://169.254.169.254", "http://localhost:15672", samehostOtherPort.BaseUrl];
        var events = strangers.SelectMany(site => new MoodleEvent[]
        {
            Course(site, CourseId), Role(site, CourseId, 11), Module(site, CourseId, 303, Guid.NewGuid().ToString()),
        }).ToList();
        await env.PublishAsync(events.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(events.Count, service);

        foreach (var agent in new[] { SyncAgent.Course, SyncAgent.User, SyncAgent.Module })
        {
            var errors = await env.ErrorQueueAsync(agent);
            Assert.Equal(strangers.Length, errors.Count);
            Assert.Equal(strangers.Select(s => $"site {s} is not one of the configured Moodle sites").Order(StringComparer.Ordinal),
                errors.Select(e => e.Reason[(e.Reason.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
            // Invalid, so not retried.
            Assert.All(errors, e => Assert.Equal("0", e.Headers.GetValueOrDefault("MT-Fault-RetryCount", "0")));
        }

        var mirror = await env.ExportAsync();
        Assert.Empty(mirror.Courses);
        Assert.Empty(mirror.Modules);
        Assert.Empty(mirror.Users);
        Assert.Empty(await NotificationsAsync(env));
        Assert.Empty(moodle.Calls);
        Assert.Empty(samehostOtherPort.Calls);
    }

    [Fact]
    public async Task Every_spelling_of_a_site_lands_as_one_site_and_an_address_that_is_no_wwwroot_is_rejected()
    {
        // No sites configured: every site is mirrored, under its one name.
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);

        var events = new List<MoodleEvent>
        {
            Course("https://moodle.example.edu", 7),
            Module("https://moodle.example.edu/", 7, 70, Guid.NewGuid().ToString()),
            Role("HTTPS://Moodle.Example.EDU:443", 7, 11),
            Course("https://moodle.example.edu/index.php?x=1", 8),
        };
        await env.PublishAsync(events.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(events.Count, service);

        var mirror = await env.ExportAsync();
        var course = Assert.Single(mirror.Courses);
        Assert.Equal(("https://moodle.example.edu", 7L, false), (course.Site, course.CourseId, course.Placeholder));
        var module = Assert.Single(mirror.Modules);
        Assert.Equal(("https://moodle.example.edu", "https://moodle.example.edu/mod/quiz/view.php?id=70"), (module.Site, module.Url));
        Assert.Equal("https://moodle.example.edu", Assert.Single(mirror.Users).Site);
        Assert.Equal(["https://moodle.example.edu"], (await NotificationsAsync(env)).Select(n => n.Site));

        var rejected = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Contains("site must be the site's absolute http(s) address", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("it has a query", rejected.Reason, StringComparison.Ordinal);
    }

    private static long _sequence;

    private static CourseChanged Course(string site, long courseId) => new()
    {
        SchemaVersion = 1, EventId = Guid.NewGuid().ToString(), Site = site, EventName = "\\core\\event\\course_created",
        TimeCreated = 1_700_000_000, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = courseId, FullName = $"Course {courseId}", ShortName = $"C{courseId}",
    };

    private static RoleAssigned Role(string site, long courseId, long userId) => new()
    {
        SchemaVersion = 1, EventId = Guid.NewGuid().ToString(), Site = site, EventName = "\\core\\event\\role_assigned",
        TimeCreated = 1_700_000_001, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = courseId, UserId = userId, RoleShortName = "editingteacher",
        User = new UserProfile { Username = $"u{userId}", Email = $"u{userId}@example.edu", FirstName = "T", LastName = userId.ToString(CultureInfo.InvariantCulture) },
    };

    private static CourseModuleChanged Module(string site, long courseId, long cmId, string eventId) => new()
    {
        SchemaVersion = 1, EventId = eventId, Site = site, EventName = "\\core\\event\\course_module_created",
        TimeCreated = 1_700_000_100, Sequence = Interlocked.Increment(ref _sequence), ActorId = 2,
        CourseId = courseId, CmId = cmId, ModuleName = "quiz", InstanceId = cmId + 500, Name = $"Quiz {cmId}",
    };

    private static async Task<IReadOnlyList<NotificationStatus>> NotificationsAsync(TestEnvironment env)
    {
        await using var store = new SqliteNotificationStore(new SqliteStoreOptions { Path = env.DatabasePath });
        await store.InitializeAsync(CancellationToken.None);
        return await store.RecentAsync(1000, CancellationToken.None);
    }

    private static async Task<IReadOnlyList<NotificationStatus>> WaitForNotificationsAsync(TestEnvironment env, Func<IReadOnlyList<NotificationStatus>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var recent = await NotificationsAsync(env);
            if (done(recent)) return recent;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"within 2 minutes: {what}; the notifications were {string.Join("; ", recent)}");
            await Task.Delay(100);
        }
    }

    private static async Task<IReadOnlyList<ErrorQueueMessage>> WaitForNotificationErrorsAsync(TestEnvironment env, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
            var messages = await ErrorQueueMessage.PeekAllAsync(connection, QueueNames.ErrorOf(QueueNames.Notifications(env.Rabbit.QueuePrefix)));
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the notification error queue holds {messages.Count} of {count} messages after 2 minutes");
            await Task.Delay(100);
        }
    }
}
