using System.Text.Json;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>What `mofa-sync reconcile` answers for a course id nobody has, and how it shows a change (fake Moodle on loopback, real SQLite).</summary>
public sealed class ReconcileAnswersTests
{
    [Fact]
    public async Task A_course_in_neither_Moodle_nor_the_mirror_is_an_error_and_a_change_shows_old_and_new()
    {
        await using var world = new ReconcileWorld();
        world.AddCourse(42, modules: 1, teachers: 1, students: 1, fullName: "Algebra I");
        await world.ApplyEventsAsync(world.Events.CourseCreated(1, 42, "Algebra (old name)", "ALG1"));

        var run = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--course", "999", "--dry-run", "--json");

        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}: {run.Err}{run.Out}");
        var report = JsonDocument.Parse(run.Out).RootElement;
        var courses = report.GetProperty("courses").EnumerateArray().ToDictionary(c => c.GetProperty("courseId").GetInt64());
        Assert.Equal("notfound", courses[999].GetProperty("outcome").GetString());
        Assert.Contains("course 999 is in neither Moodle nor the mirror", courses[999].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, report.GetProperty("summary").GetProperty("notFound").GetInt32());
        Assert.Equal(0, report.GetProperty("summary").GetProperty("inSync").GetInt32());
        var changed = courses[42].GetProperty("drift").GetProperty("courses").GetProperty("first")[0].GetString();
        Assert.Contains("\"Algebra (old name)\" → \"Algebra I\"", changed, StringComparison.Ordinal);

        var text = await world.RunAsync("reconcile", "--site", world.Site, "--course", "999");
        Assert.Equal(4, text.ExitCode);
        Assert.Contains("course 999: notfound", text.Out, StringComparison.Ordinal);
        Assert.Contains("0 in sync", text.Out, StringComparison.Ordinal);
        Assert.Contains("1 not found", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(999L, (await world.ExportAsync(includeTombstones: true)).Courses.Select(c => c.CourseId));
    }
}
