using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Host.Dlq;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;
using Mofa.Sync.Tests.Store;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>
/// The reconcile agent in the service: the real broker, the fake Moodle on loopback HTTP, the
/// SQLite mirror. Only course_restored (and its kin) is published; the course comes from Moodle.
/// </summary>
public sealed class ReconcileAgentTests
{
    private static Dictionary<string, string?> Settings(FakeMoodleServer server, string timeout = "00:00:05") => new()
    {
        ["Moodle:Sites:0:Url"] = server.BaseUrl,
        ["Moodle:Sites:0:Token"] = FakeMoodleSite.Token,
        ["Moodle:RetryLimit"] = "0",
        ["Moodle:Timeout"] = timeout,
        ["Reconcile:CallsPerSecond"] = "200",
        ["Reconcile:PageSize"] = "25",
        ["Reconcile:RetryLimit"] = "2",
        ["Reconcile:RetryMinInterval"] = "00:00:00.050",
        ["Reconcile:RetryMaxInterval"] = "00:00:00.200",
    };

    internal static (string RoutingKey, string Body) Restored(string site, long courseId, string routingKey = BridgeRoutingKeys.CourseRestored) =>
        BridgeBody.Of(new CourseContentChanged
        {
            SchemaVersion = 1, EventId = $"restored-{courseId}-{Guid.NewGuid():N}", Site = site, EventName = BridgeRoutingKeys.ToEventName(routingKey),
            TimeCreated = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Sequence = 1, ActorId = 2, CourseId = courseId,
        });

    [Fact]
    public async Task A_restored_course_ends_in_the_mirror_with_exactly_its_30_modules_and_3_teachers_of_200_users()
    {
        await using var world = new ReconcileWorld();
        var course = world.AddCourse(105, modules: 30, teachers: 3, students: 197, fullName: "Organic Chemistry (restored)");
        var port = TestPorts.Next();
        var settings = Settings(world.Server);
        settings["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var env = new TestEnvironment(settings);
        await using var service = await TestService.StartAsync(env);

        await env.PublishAsync([Restored(world.Site, 105)]);
        await env.WaitForHandledAsync(1, service);

        var export = await env.ExportAsync();
        var c = Assert.Single(export.Courses);
        Assert.Equal((105L, "Organic Chemistry (restored)", "C105", false), (c.CourseId, c.FullName, c.ShortName, c.Placeholder));
        Assert.Equal(course.Modules.Select(m => (m.CmId, m.Name, m.Instance)), export.Modules.Select(m => (m.CmId, m.Name!, m.InstanceId!.Value)));
        Assert.Equal(["assign", "choice", "quiz", "resource"], export.Modules.Select(m => m.Kind!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(course.Users.Take(3).Select(u => u.Id), export.Users.Select(u => u.UserId));
        Assert.Equal(course.Users.Take(3).Select(u => u.Email), export.Users.Select(u => u.Email));
        // 200 users in pages of 25: 8 full pages and an empty one.
        Assert.Equal(9, world.Server.Calls.Count(x => x.Function == "core_enrol_get_enrolled_users"));
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Reconcile));

        // The health report (what `mofa-sync health --json` prints) has a line for it, and /metrics the counters.
        using var http = new HttpClient();
        var ready = Host.Health.HealthReportDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}{Host.Health.HealthEndpoint.ReadyPath}"))!;
        var line = Assert.Single(ready.Checks, x => x.Name == Host.Health.ReconcileHealthCheck.Name);
        Assert.Equal(("Healthy", "1 course(s) reconciled, 1 with drift, 0 failed read(s)"), (line.Status, line.Description));
        var metrics = new Faults.PrometheusText(await http.GetStringAsync($"http://127.0.0.1:{port}{Host.Health.HealthEndpoint.MetricsPath}"));
        Assert.True(metrics.Sum("mofa_sync_reconciliations_total", ("outcome", "repaired")) >= 1, metrics.Text);
        Assert.True(metrics.Sum("mofa_sync_reconcile_drift_total", ("collection", "modules"), ("kind", "missing")) >= 30, metrics.Text);
    }

    [Fact]
    public async Task Moodle_down_slow_not_JSON_refusing_the_token_or_without_the_course_gives_readable_outcomes_and_the_agent_keeps_going()
    {
        await using var world = new ReconcileWorld();
        foreach (var id in new long[] { 201, 202, 203, 204, 205 }) world.AddCourse(id, modules: 3, teachers: 1, students: 3);
        world.Moodle.Fault = call => call.Form.GetValueOrDefault("courseid") switch
        {
            "201" => new FakeMoodleServer.Reply(503, "<html><body>Site maintenance</body></html>"),
            "202" when call.Function == "core_enrol_get_enrolled_users" => new FakeMoodleServer.Reply(200, "<b>Fatal error</b>: Allowed memory size exhausted"),
            "203" when call.Function == "core_enrol_get_enrolled_users" => new FakeMoodleServer.Reply(200, "[]", Delay: TimeSpan.FromSeconds(4)),
            "204" => FakeMoodleSite.Error("moodle_exception", "invalidtoken", "Invalid token - token not found"),
            _ => null,
        };
        await using var env = new TestEnvironment(Settings(world.Server, timeout: "00:00:01"));
        var e = new EventFactory(world.Site);
        await using var service = await TestService.StartAsync(env);
        await env.PublishAsync([BridgeBody.Of(e.CourseCreated(1, 206, "Gone", "GONE")), BridgeBody.Of(e.ModuleCreated(2, 206, 9, "assign", 9, "Old"))]);
        await env.WaitForHandledAsync(2, service);

        await env.PublishAsync([Restored(world.Site, 201), Restored(world.Site, 202), Restored(world.Site, 203), Restored(world.Site, 204),
            Restored(world.Site, 205, BridgeRoutingKeys.CourseResetEnded), Restored(world.Site, 206, BridgeRoutingKeys.CourseContentDeleted)]);
        await env.WaitForHandledAsync(8, service);

        var dead = (await env.ErrorQueueAsync(SyncAgent.Reconcile)).ToDictionary(m => System.Text.Json.JsonDocument.Parse(m.Body).RootElement.GetProperty("courseId").GetInt64());
        Assert.Equal([201L, 202, 203, 204], dead.Keys.Order());
        Assert.Contains("HTTP 503", dead[201].Reason);
        Assert.Contains("not JSON", dead[202].Reason);
        Assert.Contains("did not answer within", dead[203].Reason);
        Assert.Contains("invalidtoken", dead[204].Reason);
        Assert.DoesNotContain(FakeMoodleSite.Token, string.Concat(dead.Values.Select(d => d.Reason)));
        // The token refused is not retried; Moodle down is (the retry count header says so).
        Assert.Equal("0", dead[204].Headers.GetValueOrDefault("MT-Fault-RetryCount", "0"));
        Assert.Equal("2", dead[201].Headers["MT-Fault-RetryCount"]);

        var export = await env.ExportAsync();
        // 205 came in; 201-204 left nothing behind; 206 (not in Moodle) went with its module.
        Assert.Equal([205L], export.Courses.Select(c => c.CourseId));
        Assert.All(export.Modules, m => Assert.Equal(205, m.CourseId));

        // Moodle is back: the dead letters replay into the agent and the courses come in.
        world.Moodle.Fault = null;
        await using (var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            var replayed = await new DeadLetterReplayer(broker).ReplayAsync(
                DeadLetterQueues.Resolve(env.Rabbit.QueuePrefix, "reconcile")!, DeadLetterFilter.All, dryRun: false, examined: null, CancellationToken.None);
            Assert.Equal(4, replayed.Replayed);
        }

        await env.WaitForHandledAsync(12, service);
        Assert.Equal([201L, 202, 203, 204, 205], (await env.ExportAsync()).Courses.Select(c => c.CourseId));
    }

    [Fact]
    public async Task Text_from_Moodle_that_the_contract_rejects_is_cleaned_before_it_reaches_the_mirror_or_a_log()
    {
        await using var world = new ReconcileWorld();
        // The probe's values, all three rejected when a bridge sends them.
        var course = world.AddCourse(301, modules: 3, teachers: 1, students: 1, fullName: "Restored \u001b[2J\u001b]0;HACKED\u0007\u202Eevil");
        var hostile = course.Modules[1] with { Url = "javascript:alert(1)" };
        course.Modules[1] = hostile;
        var teacher = course.Users[0] with { Username = "t\u001b[31mred" };
        course.Users[0] = teacher;
        var logs = new CapturedLogs();
        await using var env = new TestEnvironment(Settings(world.Server));
        await using var service = await TestService.StartAsync(env, s => s.AddSingleton<ILoggerProvider>(logs));

        await env.PublishAsync([Restored(world.Site, 301)]);
        await env.WaitForHandledAsync(1, service);

        var export = await env.ExportAsync();
        Assert.Equal("Restored [2J]0;HACKEDevil", Assert.Single(export.Courses).FullName);
        // The javascript: link is never stored: the module keeps Moodle's own address of it.
        var module = Assert.Single(export.Modules, m => m.CmId == hostile.CmId);
        Assert.Equal($"{world.Site}/mod/{hostile.ModName}/view.php?id={hostile.CmId}", module.Url);
        Assert.Equal("t[31mred", Assert.Single(export.Users, u => u.UserId == teacher.Id).Username);
        Assert.All(export.Courses.Select(c => c.FullName).Concat(export.Modules.Select(m => m.Name + m.Url)).Concat(export.Users.Select(u => u.Username)),
            v => Assert.Null(Mofa.Sync.Contracts.Text.PlainText.FindForbidden(v)));

        var warning = Assert.Single(logs.Lines, l => l.Contains("Moodle answered text the contract does not accept", StringComparison.Ordinal));
        Assert.Contains("course fullname", warning, StringComparison.Ordinal);
        Assert.Contains($"module {hostile.CmId} url", warning, StringComparison.Ordinal);
        Assert.Contains($"user {teacher.Id} username", warning, StringComparison.Ordinal);
        Assert.All(logs.Lines, l => Assert.Null(Mofa.Sync.Contracts.Text.PlainText.FindForbidden(l)));
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Reconcile));
    }
}
