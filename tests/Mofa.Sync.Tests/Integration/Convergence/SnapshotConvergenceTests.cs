using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;
using Mofa.Sync.Tests.Reconcile;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Mofa.Sync.Tests.Integration.Convergence;

/// <summary>
/// Course snapshots mixed into the convergence test: the history's two sites are fake Moodles
/// holding what the in-order mirror held at T (the middle of the history); a course_restored for
/// each of their courses is shuffled in with the history (20 % duplicated) over two consumers. The
/// snapshots are taken at T, so the events newer than T that are delivered after them must still
/// win and the older ones lose: the mirror converges to the in-order mirror of the whole history.
/// </summary>
public sealed class SnapshotConvergenceTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(20261201)]
    public async Task Snapshots_shuffled_into_a_duplicated_history_on_two_consumers_converge_to_the_in_order_mirror(int seed)
    {
        await using var first = new FakeMoodleServer();
        await using var second = new FakeMoodleServer();
        var generated = new HistoryGenerator(seed).Generate(ConvergenceTests.HistoryLength);
        var siteOf = generated.Select(e => e.Site).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, siteOf.Count);
        var servers = new Dictionary<string, FakeMoodleServer> { [siteOf[0]] = first, [siteOf[1]] = second };
        var history = generated.Select(e => e with { Site = servers[e.Site].BaseUrl }).ToList();

        var roles = new SyncOptions().TeacherRoleSet();
        var t = history[history.Count / 2].TimeCreated;
        var atT = ReferenceMirror.Of(history.Where(e => e.TimeCreated < t), roles);
        var expected = ReferenceMirror.Of(history, roles);

        var restored = new List<MoodleEvent>();
        foreach (var server in servers.Values)
        {
            var moodle = Moodle(atT, server);
            server.Answer = moodle.Answer;
            // Course 1 of a Moodle site is its front page, never restored.
            restored.AddRange(moodle.Courses.Keys.Where(id => id != 1).Select(id => new CourseContentChanged
            {
                SchemaVersion = 1, EventId = $"restored-{id}", Site = server.BaseUrl, EventName = BridgeRoutingKeys.ToEventName(BridgeRoutingKeys.CourseRestored),
                TimeCreated = t, ActorId = 2, CourseId = id,
            }));
        }

        Assert.True(restored.Count >= 6, $"seed {seed}: only {restored.Count} courses to snapshot");

        // Lost upstream (as in a restore, which fires no per-item events): the creation of modules
        // that nothing else in the history touches, in courses that are snapshotted. Only the
        // snapshots can bring these into the mirror, whatever order the deliveries take.
        var snapshotted = restored.Select(r => (r.Site, ((CourseContentChanged)r).CourseId)).ToHashSet();
        var lost = history.OfType<CourseModuleChanged>()
            .GroupBy(m => (m.Site, m.CmId))
            .Where(g => history.Count(e => e is CourseModuleChanged c && (c.Site, c.CmId) == g.Key
                || e is CourseModuleDeleted d && (d.Site, d.CmId) == g.Key) == 1)
            .Select(g => g.Single())
            .Where(m => m.TimeCreated < t && m.ModuleName != "quiz" && snapshotted.Contains((m.Site, m.CourseId))
                && atT.Modules.Any(x => x.Site == m.Site && x.CmId == m.CmId && x.Deleted != true))
            .Take(3)
            .ToHashSet<MoodleEvent>();
        Assert.True(lost.Count > 0, $"seed {seed}: no module creation the snapshots alone must repair");

        var random = new Random(seed);
        var published = history.Where(e => !lost.Contains(e)).ToList();
        var deliveries = published.Concat(published.Where(_ => random.NextDouble() < 0.2)).Concat(restored).OrderBy(_ => random.Next()).ToList();

        await using var env = new TestEnvironment(new Dictionary<string, string?>
        {
            ["Moodle:Sites:0:Url"] = first.BaseUrl, ["Moodle:Sites:0:Token"] = FakeMoodleSite.Token,
            ["Moodle:Sites:1:Url"] = second.BaseUrl, ["Moodle:Sites:1:Token"] = FakeMoodleSite.Token,
            ["Reconcile:SafetyMargin"] = "00:01:00", ["Reconcile:CallsPerSecond"] = "500", ["Reconcile:ConcurrentCourses"] = "4",
            // No teacher notifications for this test: every digest would call the fake Moodle.
            ["Notifications:DigestWindow"] = "01:00:00"
        });
        // The snapshots' clock stands at T plus the margin: they are taken at T.
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(t + 60));
        await using var one = await TestService.StartAsync(env, s => s.AddSingleton<TimeProvider>(clock));
        await using var two = await TestService.StartAsync(env, s => s.AddSingleton<TimeProvider>(clock));
        await env.PublishAsync(deliveries.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(deliveries.Count, one, two);

        foreach (var agent in Enum.GetValues<Mofa.Sync.Consumers.Subscriptions.SyncAgent>())
        {
            var errors = await env.ErrorQueueAsync(agent);
            Assert.True(errors.Count == 0, $"{agent}: {errors.Count} in _error, first: {(errors.Count > 0 ? errors[0].Reason : "")}");
        }
        Assert.True(first.Calls.Count(c => c.Function == "core_course_get_contents") + second.Calls.Count(c => c.Function == "core_course_get_contents") >= restored.Count);
        Assert.Equal(expected.ToJson(), (await env.ExportAsync()).ToJson());
        // The snapshots did repair something: at least the lost modules.
        Assert.True(new[] { one, two }.Sum(s => s.Services.GetRequiredService<Mofa.Sync.Consumers.Telemetry.ReconcileMetrics>().CoursesWithDrift) > 0);
    }

    /// <summary>The fake Moodle of one site: what the in-order mirror held at T (courses with names, modules, teachers).</summary>
    private static FakeMoodleSite Moodle(MirrorExport atT, FakeMoodleServer server)
    {
        var moodle = new FakeMoodleSite { BaseUrl = server.BaseUrl };
        foreach (var c in atT.Courses.Where(c => c.Site == server.BaseUrl && !c.Placeholder))
        {
            var course = new FakeMoodleSite.FakeCourse(c.CourseId, c.FullName!, c.ShortName!);
            course.Modules.AddRange(atT.Modules.Where(m => m.Site == c.Site && m.CourseId == c.CourseId)
                .Select(m => new FakeMoodleSite.FakeModule(m.CmId, m.ResourceType ?? m.Kind!, m.InstanceId!.Value, m.Name!, m.Url)));
            course.Users.AddRange(atT.Users.Where(u => u.Site == c.Site && u.Roles.Any(r => r.CourseId == c.CourseId))
                .Select(u => new FakeMoodleSite.FakeUser(u.UserId, u.Username, u.FirstName, u.LastName, u.Email,
                    [.. u.Roles.Where(r => r.CourseId == c.CourseId).Select(r => r.Role), "student"])));
            moodle.Courses[c.CourseId] = course;
        }

        return moodle;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
