using System.Text.Json;
using Mofa.Sync.Tests.Faults;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile.Rolling;

/// <summary>
/// The rolling reconcile of a site (Moodle:Sites:0:Reconcile:Period) in `mofa-sync run`: the real broker, the SQLite
/// file, the fake Moodle over HTTP. The mirror starts equal to Moodle (a `mofa-sync reconcile --all`), then drift is
/// planted as the stream would leave it: what the pass finds, it repairs, and `reconcile status` tells.
/// </summary>
public sealed class RollingPassTests
{
    [Fact]
    public async Task A_pass_verifies_every_course_of_a_60_course_site_within_its_period_and_repairs_the_drift_planted_in_ten()
    {
        await using var world = new RollingWorld(period: TimeSpan.FromMinutes(5), callsPerSecond: 40);
        // The token's service includes the bridge plugin's function that lists quiz questions: each course's quiz has two.
        world.Moodle.Functions.Add(FakeMoodleSite.QuizQuestionsFunction);
        for (var id = 2L; id <= 61; id++) AddCourseWithQuiz(world, id);
        var (exit, _, err) = await world.Reconcile.RunAsync("reconcile", "--site", world.Site, "--all");
        Assert.True(exit == 1, err); // an empty mirror: everything was missing, and is now there

        // Drift in ten courses, as lost events leave it.
        world.Moodle.Courses[2].Modules.Add(new FakeMoodleSite.FakeModule(2_900, "assign", 9_002, "Added while the bridge was down"));
        world.Moodle.Courses[3].Modules.Add(new FakeMoodleSite.FakeModule(3_900, "page", 9_003, "Added while the bridge was down"));
        world.Moodle.Courses[4].Users.RemoveAll(u => u.Roles.Contains("editingteacher")); // the mirror keeps a teacher Moodle no longer has
        world.Moodle.Courses[5].Users.RemoveAll(u => u.Roles.Contains("editingteacher"));
        world.Moodle.Courses[6].FullName = "Renamed while the bridge was down";
        world.Moodle.Courses[7].Modules.RemoveAt(0);
        world.Moodle.Courses[10].QuizLists.Values.Single().Questions[0] = (10_001, "Renamed in a shared question bank");
        world.Moodle.Courses[11].QuizLists.Values.Single().Questions[1] = (11_002, "Renamed in a shared question bank");
        AddCourseWithQuiz(world, 100); // created while the bridge was down
        AddCourseWithQuiz(world, 101);
        world.Moodle.Courses.TryRemove(8, out _); // deleted in Moodle, still in the mirror
        world.Moodle.Courses.TryRemove(9, out _);

        await using var service = await world.StartServiceAsync();
        var state = await world.WaitForFullPassAsync();

        // Every course Moodle has and every course the mirror had: 60 - 2 + 2 listed by Moodle, 2 only in the mirror.
        Assert.Equal(62, state.LastPassCourses);
        Assert.True(state.LastPassEndedAt - state.LastPassStartedAt <= world.Period, $"the pass took {state.LastPassEndedAt - state.LastPassStartedAt}");
        var reads = world.ContentReads();
        // Once by the command, once by the pass (the new courses by the pass only): none twice within the pass.
        foreach (var id in world.Moodle.Courses.Keys.Append(8).Append(9)) Assert.True(reads.GetValueOrDefault(id) == (id < 100 ? 2 : 1), $"course {id} read {reads.GetValueOrDefault(id)} time(s)");

        // The mirror equals Moodle again: the new courses are in it, the deleted ones gone, every planted difference repaired.
        var export = await world.Reconcile.ExportAsync();
        var (expected, actual) = (world.Reconcile.Expected(), ReconcileWorld.Actual(export));
        Assert.Equal(expected.Courses, actual.Courses);
        Assert.Equal(expected.Modules, actual.Modules);
        Assert.Equal(expected.Roles, actual.Roles);

        // Found and repaired, by kind.
        var c = state.Counters;
        Assert.Equal(0, c.Failed);
        Assert.True(c.Found.Courses >= 5, $"courses: {c.Found}"); // 1 renamed, 2 created, 2 deleted
        Assert.True(c.Found.Modules >= 3 + 4, $"modules: {c.Found}"); // 2 added, 1 removed, the new courses' 4
        Assert.True(c.Found.Teachers >= 2 + 2, $"teachers: {c.Found}"); // 2 removed, the new courses' 2
        Assert.True(c.Found.QuizLists >= 2 + 2, $"quiz lists: {c.Found}"); // 2 renamed questions, the new courses' 2 lists
        Assert.Equal("Renamed in a shared question bank", export.QuizQuestions.Single(q => q.QuestionId == 10_001).Name);
        Assert.Equal("Renamed in a shared question bank", export.QuizQuestions.Single(q => q.QuestionId == 11_002).Name);
        Assert.Equal((60 - 2 + 2) * 2, export.QuizQuestions.Count); // 60 courses, 2 deleted, 2 new: two questions each
        Assert.Equal(c.Found, c.Repaired);

        var (statusExit, json) = await world.StatusAsync();
        Assert.Equal(0, statusExit);
        var site = Assert.Single(json.GetProperty("sites").EnumerateArray());
        Assert.Equal(world.Site, site.GetProperty("site").GetString());
        Assert.Equal(62, site.GetProperty("lastFullPass").GetProperty("courses").GetInt32());
        Assert.Equal(c.Found.Modules, site.GetProperty("lastFullPass").GetProperty("found").GetProperty("modules").GetInt32());
        Assert.Equal(c.Found.Teachers, site.GetProperty("lastFullPass").GetProperty("repaired").GetProperty("teachers").GetInt32());
        Assert.Equal(c.Found.QuizLists, site.GetProperty("lastFullPass").GetProperty("found").GetProperty("quizLists").GetInt32());
        Assert.False(site.GetProperty("projection").GetProperty("behind").GetBoolean());
        Assert.Contains("ended after", service.Output);
    }

    /// <summary>A course of three modules (the second a quiz with two questions), a teacher and two students.</summary>
    private static void AddCourseWithQuiz(RollingWorld world, long id)
    {
        var course = world.Reconcile.AddCourse(id, modules: 3, teachers: 1, students: 2);
        var quiz = course.Modules.Single(m => m.ModName == "quiz");
        course.QuizLists[quiz.Instance] = new FakeMoodleSite.FakeQuizList(quiz.Instance, quiz.CmId, [(id * 1000 + 1, $"Question 1 of {id}"), (id * 1000 + 2, $"Question 2 of {id}")]);
    }

    [Fact]
    public async Task A_period_too_short_for_the_budget_is_warned_with_its_figures_and_shown_by_the_metric_and_the_status()
    {
        await using var world = new RollingWorld(period: TimeSpan.FromSeconds(10), callsPerSecond: 1);
        for (var id = 2L; id <= 31; id++) world.Reconcile.AddCourse(id, modules: 1, teachers: 1, students: 0);

        await using var service = await world.StartServiceAsync();
        await service.WaitForOutputAsync("cannot verify every course within its period", RollingWorld.Budget);
        Assert.Contains("30 course(s) × 3 call(s) per course ÷ 1 call(s)/s (Reconcile:CallsPerSecond) = 00:01:30 per pass, longer than the period 00:00:10; set the period to at least 00:01:30 or the budget to 9 call(s)/s", service.Output);

        // /metrics: read from the store every Reconcile:StatusInterval.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        PrometheusText metrics;
        while ((metrics = await service.ScrapeAsync()).Sum("mofa_sync_reconcile_pass_behind", ("site", world.Site)) != 1)
        {
            Assert.True(deadline.Elapsed < RollingWorld.Budget, "no mofa_sync_reconcile_pass_behind (budget against a hang):\n" + metrics.Text);
            await Task.Delay(200);
        }

        Assert.True(metrics.Sum("mofa_sync_reconcile_pass_needed_seconds", ("site", world.Site)) >= 90, metrics.Text);
        Assert.Equal(10, metrics.Sum("mofa_sync_reconcile_period_seconds", ("site", world.Site)));
        Assert.Equal(30, metrics.Sum("mofa_sync_reconcile_pass_courses", ("site", world.Site)));

        var (exit, json) = await world.StatusAsync();
        Assert.Equal(Host.Commands.ReconcileStatusCommand.Behind, exit);
        var projection = json.GetProperty("sites")[0].GetProperty("projection");
        Assert.True(projection.GetProperty("behind").GetBoolean(), json.ToString());
        Assert.True(TimeSpan.Parse(projection.GetProperty("needed").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromSeconds(90), json.ToString());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("sites")[0].GetProperty("currentPass").ValueKind);

        // The same for a person: the site, its pass in progress, what a pass needs.
        var (textExit, text, _) = await world.Reconcile.RunAsync(world.Settings().Select(kv => $"{kv.Key}={kv.Value}"), "reconcile", "status");
        Assert.Equal(Host.Commands.ReconcileStatusCommand.Behind, textExit);
        Assert.Contains(world.Site, text);
        Assert.Contains("current pass", text);
        Assert.Contains("of 30 course(s) verified", text);
        Assert.Contains("LONGER THAN THE PERIOD", text);
    }
}
