using System.Text.Json;
using Mofa.Sync.Tests.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>`mofa-sync reconcile` against a fake Moodle on loopback HTTP and a real SQLite mirror.</summary>
public sealed class ReconcileCommandTests
{
    [Fact]
    public async Task Lost_events_are_reported_exactly_by_dry_run_then_repaired_by_reconcile_course()
    {
        await using var world = new ReconcileWorld();
        var e = world.Events;
        var course = world.AddCourse(42, modules: 4, teachers: 2, students: 5, fullName: "Algebra I");
        course.ShortName = "ALG1";
        var teacher = course.Users[0];
        var lateTeacher = course.Users[1];
        // The stream: the course, its four modules and its first teacher; then, without events,
        // Moodle lost module 42003 and gained a second teacher.
        await world.ApplyEventsAsync([
            e.CourseCreated(1, 42, "Algebra I", "ALG1"),
            .. course.Modules.Select(m => e.ModuleCreated(2, 42, m.CmId, m.ModName, m.Instance, m.Name, $"{world.Site}/mod/{m.ModName}/view.php?id={m.CmId}")),
            e.RoleAssigned(3, 42, teacher.Id, "editingteacher", new Mofa.Sync.Contracts.Users.UserProfile { Username = teacher.Username, Email = teacher.Email, FirstName = teacher.FirstName, LastName = teacher.LastName }),
        ]);
        var before = await world.ExportAsync(includeTombstones: true);
        course.Modules.RemoveAt(3);

        var dry = await world.RunAsync("reconcile", "--site", world.Site + "/", "--course", "42", "--dry-run", "--json");

        Assert.True(dry.ExitCode == 1, $"exit {dry.ExitCode}: {dry.Err}{dry.Out}");
        var report = JsonDocument.Parse(dry.Out).RootElement;
        var drift = report.GetProperty("courses")[0].GetProperty("drift");
        Assert.Equal(["modules", "teacherRoles"], drift.EnumerateObject().Select(p => p.Name));
        Assert.Equal((0, 1, 0), Counts(drift.GetProperty("modules")));
        Assert.Equal((1, 0, 0), Counts(drift.GetProperty("teacherRoles")));
        Assert.Contains("42003", drift.GetProperty("modules").GetProperty("first")[0].GetString());
        Assert.Contains(lateTeacher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), drift.GetProperty("teacherRoles").GetProperty("first")[0].GetString());
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await world.ExportAsync(includeTombstones: true)));

        var repair = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42");
        Assert.True(repair.ExitCode == 1, $"exit {repair.ExitCode}: {repair.Err}{repair.Out}");
        Assert.Contains("1 with drift", repair.Out);

        var after = await world.ExportAsync();
        Assert.Equal([42000L, 42001, 42002], after.Modules.Select(m => m.CmId));
        Assert.Equal([teacher.Id, lateTeacher.Id], after.Users.Select(u => u.UserId));
        Assert.Equal(lateTeacher.Email, after.Users[1].Email);

        var audit = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--dry-run");
        Assert.True(audit.ExitCode == 0, $"exit {audit.ExitCode}: {audit.Err}{audit.Out}");
    }

    [Fact]
    public async Task A_backfill_of_300_courses_equals_Moodle_and_a_second_run_finds_no_drift_and_writes_nothing()
    {
        await using var world = new ReconcileWorld();
        for (var id = 2; id < 302; id++) world.AddCourse(id, modules: 3 + id % 5, teachers: 1 + id % 3, students: 20 + id % 40);

        var first = await world.RunAsync("reconcile", "--site", world.Site, "--all", "--json");

        Assert.True(first.ExitCode == 1, $"exit {first.ExitCode}: {first.Err}");
        var summary = JsonDocument.Parse(first.Out).RootElement.GetProperty("summary");
        Assert.Equal(300, summary.GetProperty("courses").GetInt32());
        Assert.Equal(300, summary.GetProperty("withDrift").GetInt32());
        var (courses, modules, roles) = world.Expected();
        var actual = ReconcileWorld.Actual(await world.ExportAsync());
        Assert.Equal(300, courses.Count);
        Assert.Equal(courses, actual.Courses);
        Assert.Equal(modules, actual.Modules);
        Assert.Equal(roles, actual.Roles);
        // The enrolments were read in pages of 25 (courses have up to 61 users), with raw names.
        var enrolCalls = world.Server.Calls.Where(c => c.Function == "core_enrol_get_enrolled_users").ToList();
        Assert.Contains(enrolCalls, c => c.Form["options[0][value]"] == "50");
        Assert.All(world.Server.Calls, c => Assert.Equal("1", c.Form["moodlewssettingraw"]));
        Assert.DoesNotContain(world.Server.Calls, c => c.Function == "core_course_get_contents" && c.Form["courseid"] == "1");

        var before = await world.ExportAsync(includeTombstones: true);
        var second = await world.RunAsync("reconcile", "--site", world.Site, "--all", "--json");

        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {second.Err}{second.Out}");
        var again = JsonDocument.Parse(second.Out).RootElement.GetProperty("summary");
        Assert.Equal((300, 300, 0, 0), (again.GetProperty("courses").GetInt32(), again.GetProperty("inSync").GetInt32(), again.GetProperty("withDrift").GetInt32(), again.GetProperty("written").GetInt32()));
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await world.ExportAsync(includeTombstones: true)));
    }

    [Fact]
    public async Task A_refused_token_or_a_Moodle_down_ends_with_exit_3_and_a_readable_reason_changing_nothing()
    {
        await using var world = new ReconcileWorld();
        world.AddCourse(5, modules: 2, teachers: 1, students: 1);

        var refused = await world.RunAsync(["Moodle:Sites:0:Token=wrong-token-1234"], "reconcile", "--site", world.Site, "--all");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("invalidtoken", refused.Err);
        Assert.DoesNotContain("wrong-token-1234", refused.Err + refused.Out);

        world.Moodle.Fault = _ => new FakeMoodleServer.Reply(503, "<html><body><h1>Site under maintenance</h1></body></html>");
        var down = await world.RunAsync("reconcile", "--site", world.Site, "--course", "5");
        Assert.Equal(3, down.ExitCode);
        Assert.Contains("HTTP 503", down.Err);

        // A proxy whose reason phrase carries the token: masked in what reconcile prints.
        world.Moodle.Fault = _ => new FakeMoodleServer.Reply(500, "<html><body>error</body></html>", Reason: $"Bad {FakeMoodleSite.Token} request");
        var leaky = await world.RunAsync("reconcile", "--site", world.Site, "--course", "5");
        Assert.Equal(3, leaky.ExitCode);
        Assert.Contains("HTTP 500 Bad *** request", leaky.Err);
        Assert.DoesNotContain(FakeMoodleSite.Token, leaky.Err + leaky.Out);

        // Moodle's own error message with a terminal escape: printed escaped.
        world.Moodle.Fault = _ => FakeMoodleSite.Error("moodle_exception", "dmlreadexception", "Error reading from database \u001b]0;HACKED\u0007");
        var escaped = await world.RunAsync("reconcile", "--site", world.Site, "--course", "5");
        Assert.Equal(3, escaped.ExitCode);
        Assert.Contains("Error reading from database \\u001B]0;HACKED\\u0007", escaped.Err);
        Assert.DoesNotContain('\u001b', escaped.Err + escaped.Out);

        world.Moodle.Fault = null;
        world.Moodle.Functions.Remove("core_enrol_get_enrolled_users");
        var missing = await world.RunAsync("reconcile", "--site", world.Site, "--course", "5");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("core_enrol_get_enrolled_users", missing.Err);

        var unknown = await world.RunAsync("reconcile", "--site", "https://elsewhere.example", "--course", "5");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("not one of the configured Moodle sites", unknown.Err);

        Assert.Empty((await world.ExportAsync(includeTombstones: true)).Courses);
    }

    [Fact]
    public async Task Courses_gone_refused_not_JSON_or_slow_get_readable_outcomes_and_none_is_half_applied()
    {
        await using var world = new ReconcileWorld();
        var e = world.Events;
        world.AddCourse(10, modules: 3, teachers: 1, students: 2);
        world.AddCourse(11, modules: 3, teachers: 1, students: 2).Refused = true;
        world.AddCourse(12, modules: 3, teachers: 1, students: 2);
        world.AddCourse(13, modules: 3, teachers: 1, students: 2);
        // Course 20 is in the mirror, Moodle no longer has it.
        await world.ApplyEventsAsync(e.CourseCreated(1, 20, "Old", "OLD"), e.ModuleCreated(2, 20, 777, "assign", 9, "Old essay"), e.RoleAssigned(3, 20, 55));
        world.Moodle.Fault = call =>
            call.Function == "core_enrol_get_enrolled_users" && call.Form["courseid"] == "12" ? new FakeMoodleServer.Reply(200, "<html>Fatal error</html>")
            : call.Function == "core_enrol_get_enrolled_users" && call.Form["courseid"] == "13" ? new FakeMoodleServer.Reply(200, "[]", Delay: TimeSpan.FromSeconds(5))
            : null;

        var run = await world.RunAsync(["Moodle:Timeout=00:00:01"], "reconcile", "--site", world.Site, "--course", "10", "--course", "11", "--course", "12", "--course", "13", "--course", "20", "--json");

        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}: {run.Err}{run.Out}");
        var courses = JsonDocument.Parse(run.Out).RootElement.GetProperty("courses").EnumerateArray()
            .ToDictionary(c => c.GetProperty("courseId").GetInt64(), c => (Outcome: c.GetProperty("outcome").GetString(), Detail: c.TryGetProperty("detail", out var d) ? d.GetString() : null));
        Assert.Equal("repaired", courses[10].Outcome);
        Assert.Equal("refused", courses[11].Outcome);
        Assert.Contains("errorcoursecontextnotvalid", courses[11].Detail);
        Assert.Equal("failed", courses[12].Outcome);
        Assert.Contains("not JSON", courses[12].Detail);
        Assert.Equal("failed", courses[13].Outcome);
        Assert.Contains("did not answer within", courses[13].Detail);
        Assert.Equal("gone", courses[20].Outcome);
        Assert.Contains("invalidrecordunknown", courses[20].Detail);

        var export = await world.ExportAsync();
        // Only course 10 came in; 11, 12 and 13 left nothing behind, course 20 went with its subtree.
        Assert.Equal([10L], export.Courses.Select(c => c.CourseId));
        Assert.All(export.Modules, m => Assert.Equal(10, m.CourseId));
        Assert.All(export.Users, u => Assert.All(u.Roles, r => Assert.Equal(10, r.CourseId)));
    }

    private static (int, int, int) Counts(JsonElement d) =>
        (d.GetProperty("missing").GetInt32(), d.GetProperty("extra").GetInt32(), d.GetProperty("changed").GetInt32());
}
