using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Health;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// Health tells the truth (/health/ready and `mofa-sync health` alike): work that fails turns the
/// service degraded, naming what fails, and a later success of the same work clears it. Real broker,
/// real SQLite file, a real HTTP server answering as Moodle's REST server does.
/// </summary>
public sealed class HealthStatesTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_refused_token_is_a_warning_at_start_and_a_degraded_site_until_a_call_succeeds()
    {
        await using var world = new NotificationWorld([]);
        world.Moodle.SiteInfo = _ => FakeMoodleServer.Reply.Exception("invalidtoken", "Invalid token - token not found");
        await using var service = MofaSyncProcess.Run(world.Env);
        await service.WaitUntilReadyAsync();

        var degraded = await WaitForAsync(service.HealthPort, r => Check(r, MoodleSitesHealthCheck.Name).Status == "Degraded", "the site degraded");
        Assert.Equal(HttpStatusCode.OK, degraded.Status); // degraded is still ready: the events are applied
        Assert.Equal("Degraded", degraded.Report.Status);
        Assert.Contains("invalidtoken", Check(degraded.Report, MoodleSitesHealthCheck.Name).Description, StringComparison.Ordinal);
        Assert.Contains("the token was refused", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(NotificationWorld.Token, service.Output, StringComparison.Ordinal);

        // The token is fixed on Moodle's side: the next call (a digest for the teachers) succeeds and clears it.
        await world.Env.PublishAsync([BridgeBody.Of(world.Course()), BridgeBody.Of(world.Role(11, "editingteacher"))]);
        await FaultRun.WaitUntilSettledAsync(world.Env, 2, service);
        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(401, "Quiz"))]);
        var healthy = await WaitForAsync(service.HealthPort, r => r.Status == "Healthy", "healthy again");
        Assert.Contains("answering", Check(healthy.Report, MoodleSitesHealthCheck.Name).Description, StringComparison.Ordinal);
        Assert.Single(world.Moodle.Calls);
    }

    [Fact]
    public async Task A_stopped_Moodle_degrades_the_site_and_the_notifications_and_a_delivery_after_its_return_clears_them()
    {
        var port = TestPorts.Next();
        await using var world = new NotificationWorld(new() { ["Service:HealthPort"] = port.ToString(CultureInfo.InvariantCulture) });
        await using var service = await world.StartServiceAsync();
        await WaitForAsync(port, r => r.Status == "Healthy" && Check(r, MoodleSitesHealthCheck.Name).Description!.Contains("answering", StringComparison.Ordinal), "the start-up check answered");
        await world.CreateCourseWithTeachersAsync(service, [11, 12]);

        await world.Moodle.DisposeAsync();
        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(402, "Essay"))]);
        await world.WaitForErrorQueueAsync(1);

        var (status, report) = await ReadyAsync(port);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", report.Status);
        Assert.Contains("could not be reached", Check(report, MoodleSitesHealthCheck.Name).Description, StringComparison.Ordinal);
        var notifications = Check(report, NotificationsHealthCheck.Name);
        Assert.Equal("Degraded", notifications.Status);
        Assert.Contains(NotificationsHealthCheck.ReplayCommand, notifications.Description, StringComparison.Ordinal);

        await using var back = new FakeMoodleServer(world.Moodle.Port);
        await world.Env.PublishAsync([BridgeBody.Of(world.ModuleCreated(403, "Forum"))]);
        await WaitForAsync(port, r => r.Status == "Healthy", "healthy once a digest was delivered");
        Assert.Single(back.Calls);
    }

    [Fact]
    public async Task A_locked_store_degrades_the_mirror_store_for_the_endpoint_and_the_command_and_a_later_write_clears_it()
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new()
        {
            ["Service:HealthPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Store:Sqlite:BusyTimeout"] = "00:00:00.100",
        });
        await using var service = await TestService.StartAsync(env);
        await env.PublishAsync(BridgeRoutingKeys.CourseCreated, Course("lock-1", 1));
        await env.WaitForHandledAsync(1, service);
        Assert.Equal("Healthy", (await ReadyAsync(port)).Report.Status);

        // Another program holds the file's write lock: reads (the ping) still work, every write fails.
        await using (var holder = new SqliteConnection($"Data Source={env.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync();
            // BEGIN IMMEDIATE: the write lock, held until the transaction ends.
            await using var writeLock = holder.BeginTransaction(deferred: false);

            await env.PublishAsync(BridgeRoutingKeys.CourseCreated, Course("lock-2", 2));
            var (status, report) = await WaitForAsync(port, r => r.Status != "Healthy", "degraded by the failed writes");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Degraded", report.Status);
            var store = Check(report, MirrorStoreHealthCheck.Name);
            Assert.Equal("Degraded", store.Status);
            Assert.Contains("database is locked", store.Description, StringComparison.Ordinal);

            // The command reads the same report: the same state and checks, exit code 4.
            await using var command = MofaSyncProcess.Start(env, ["health", "--json"], new Dictionary<string, string>());
            var code = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code == HealthCommand.Degraded, command.Output);
            var printed = HealthReportDocument.Parse(command.Output);
            Assert.NotNull(printed);
            Assert.Equal("Degraded", printed.Status);
            Assert.Equal(report.Checks.Select(c => (c.Name, c.Status)).Order(), printed.Checks.Select(c => (c.Name, c.Status)).Order());
        }

        // The lock is gone (rolled back, the connection closed): the next event's write succeeds.
        await env.PublishAsync(BridgeRoutingKeys.CourseCreated, Course("lock-3", 3));
        var healthy = await WaitForAsync(port, r => r.Status == "Healthy", "healthy after a successful write");
        Assert.Contains("writes succeed", Check(healthy.Report, MirrorStoreHealthCheck.Name).Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_reconcile_degrades_until_a_later_one_succeeds()
    {
        var metrics = new Mofa.Sync.Consumers.Telemetry.ReconcileMetrics();
        var check = new ReconcileHealthCheck(metrics, new SecretRedactor(new Host.Settings.MofaSyncSettings()));
        metrics.Course("insync", []);
        metrics.CourseFailed("Moodle at https://moodle.example.edu could not be reached (after 4 retries)");
        var failed = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, failed.Status);
        Assert.Contains("could not be reached", failed.Description, StringComparison.Ordinal);

        metrics.Course("repaired", []);
        var later = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, later.Status);
        Assert.Contains("1 failed", later.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bus_reconnecting_is_unhealthy_and_a_degraded_check_of_the_service_is_still_ready()
    {
        static HealthReport Report(params (string Name, HealthStatus Status)[] entries) =>
            new(entries.ToDictionary(e => e.Name, e => new HealthReportEntry(e.Status, "x", TimeSpan.Zero, null, null)), TimeSpan.Zero);
        var redactor = new SecretRedactor(new Host.Settings.MofaSyncSettings());
        const HealthStatus healthy = HealthStatus.Healthy, degraded = HealthStatus.Degraded;

        // MassTransit's bus says Degraded while the broker is away: nothing is consumed, so not ready.
        var reconnecting = HealthReportDocument.From(Report((HealthReportDocument.BusCheck, degraded), (MirrorStoreHealthCheck.Name, healthy)), redactor);
        Assert.Equal("Unhealthy", reconnecting.Status);
        Assert.False(reconnecting.IsReady);

        var siteDown = HealthReportDocument.From(Report((HealthReportDocument.BusCheck, healthy), (MoodleSitesHealthCheck.Name, degraded)), redactor);
        Assert.Equal("Degraded", siteDown.Status);
        Assert.True(siteDown.IsReady);
        Assert.Equal("degraded", siteDown.State);
    }

    private static string Course(string id, int courseId) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"schemaVersion":1,"eventId":"{{id}}","site":"https://moodle.example.edu","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":{{courseId}},"fullName":"Locked","shortName":"L"}""");

    private static HealthReportDocument.Check Check(HealthReportDocument report, string name) => report.Checks.Single(c => c.Name == name);

    private static async Task<(HttpStatusCode Status, HealthReportDocument Report)> ReadyAsync(int port)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}{HealthEndpoint.ReadyPath}"));
        var report = HealthReportDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(report);
        return (response.StatusCode, report);
    }

    /// <summary>Asks /health/ready until <paramref name="done"/> holds; the two minutes are a budget against hangs, not a timing assertion.</summary>
    private static async Task<(HttpStatusCode Status, HealthReportDocument Report)> WaitForAsync(int port, Func<HealthReportDocument, bool> done, string what)
    {
        var budget = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var answer = await ReadyAsync(port);
            if (done(answer.Report)) return answer;
            if (DateTime.UtcNow > budget) throw new TimeoutException($"not {what} within 2 minutes: {answer.Report.ToJson()}");
            await Task.Delay(100);
        }
    }
}
