using System.Text.Json;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Store;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>
/// A Moodle 5.0 course (FakeMoodleSite's shapes: a hidden qbank module in section 0, a subsection
/// whose modules are in its delegated section) gives the same mirror through the bridge's events
/// as through `mofa-sync reconcile`, and a second reconcile writes nothing.
/// </summary>
public sealed class MoodleFiveShapesTests
{
    [Fact]
    public async Task A_course_with_a_question_bank_and_a_subsection_mirrors_the_same_by_events_and_by_reconcile()
    {
        await using var world = new ReconcileWorld();
        var course = world.AddCourse(42, modules: 3, teachers: 1, students: 2, fullName: "Physics 5.0");
        course.Modules.Add(new FakeMoodleSite.FakeModule(42_900, "qbank", 77, "Physics 5.0 course question bank"));
        course.AddSubsection(42_800, 88, "Week 1 <extras>",
            new FakeMoodleSite.FakeModule(42_801, "page", 9001, "Reading list"),
            new FakeMoodleSite.FakeModule(42_802, "quiz", 9002, "Week 1 check"));
        var teacher = course.Users[0];

        // What the bridge sends for it: course_module_created for every module, the qbank's too
        // (the upgrade to 5.0 creates one per course), filtered as the service's edge filters it.
        var e = world.Events;
        var scope = new SyncOptions().ContentScope();
        MoodleEvent[] stream =
        [
            e.CourseCreated(1, 42, course.FullName, course.ShortName),
            .. course.AllModules.Select(m => e.ModuleCreated(2, 42, m.CmId, m.ModName, m.Instance, m.Name, $"{world.Site}/mod/{m.ModName}/view.php?id={m.CmId}")),
            e.RoleAssigned(3, 42, teacher.Id, "editingteacher", new Mofa.Sync.Contracts.Users.UserProfile { Username = teacher.Username, Email = teacher.Email, FirstName = teacher.FirstName, LastName = teacher.LastName }),
        ];
        var kept = stream.Where(x => scope.Excludes(x) is null).ToArray();
        Assert.Equal(stream.Length - 1, kept.Length);
        await world.ApplyEventsAsync(kept);
        var byEvents = await world.ExportAsync(includeTombstones: true);
        Assert.Equal([42_000L, 42_001, 42_002, 42_800, 42_801, 42_802], byEvents.Modules.Select(m => m.CmId));

        // Reconcile over the events' mirror finds it equal to Moodle.
        var audit = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--dry-run", "--json");
        Assert.True(audit.ExitCode == 0, $"exit {audit.ExitCode}: {audit.Err}{audit.Out}");

        // From an empty mirror, reconcile builds the same one.
        SqliteTestFile.Delete(world.MirrorPath);
        var first = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--json");
        Assert.True(first.ExitCode == 1, $"exit {first.ExitCode}: {first.Err}{first.Out}");
        var byReconcile = await world.ExportAsync(includeTombstones: true);
        Assert.Equal(JsonSerializer.Serialize(byEvents), JsonSerializer.Serialize(byReconcile));
        // The question bank was read (listed hidden in section 0) and left out, like its event.
        Assert.Contains(world.Server.Calls, c => c.Function == "core_course_get_contents");
        Assert.DoesNotContain(byReconcile.Modules, m => m.ResourceType == "qbank");

        var second = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--json");
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {second.Err}{second.Out}");
        var summary = JsonDocument.Parse(second.Out).RootElement.GetProperty("summary");
        Assert.Equal((1, 0), (summary.GetProperty("inSync").GetInt32(), summary.GetProperty("written").GetInt32()));
        Assert.Equal(JsonSerializer.Serialize(byReconcile), JsonSerializer.Serialize(await world.ExportAsync(includeTombstones: true)));
    }

    [Fact]
    public async Task A_module_moved_into_a_subsection_is_not_tombstoned_and_one_gone_from_it_is()
    {
        await using var world = new ReconcileWorld();
        var course = world.AddCourse(43, modules: 2, teachers: 1, students: 0);
        var moved = course.Modules[1];
        var gone = new FakeMoodleSite.FakeModule(43_802, "url", 9102, "Old link");
        course.AddSubsection(43_800, 89, "Extras", gone);
        // The mirror as the events made it (versions of 2025: older than any reconcile's T).
        var e = world.Events;
        await world.ApplyEventsAsync([
            e.CourseCreated(1, 43, course.FullName, course.ShortName),
            .. course.AllModules.Select(m => e.ModuleCreated(2, 43, m.CmId, m.ModName, m.Instance, m.Name, $"{world.Site}/mod/{m.ModName}/view.php?id={m.CmId}")),
            e.RoleAssigned(3, 43, course.Users[0].Id, "editingteacher", new Mofa.Sync.Contracts.Users.UserProfile { Username = course.Users[0].Username, Email = course.Users[0].Email, FirstName = course.Users[0].FirstName, LastName = course.Users[0].LastName }),
        ]);
        var audit = await world.RunAsync("reconcile", "--site", world.Site, "--course", "43", "--dry-run");
        Assert.True(audit.ExitCode == 0, $"exit {audit.ExitCode}: {audit.Err}{audit.Out}");

        // Moved into the subsection (Moodle fires no event for a move), the url removed from it.
        course.Modules.Remove(moved);
        course.Delegated[89] = [moved];

        var again = await world.RunAsync("reconcile", "--site", world.Site, "--course", "43", "--json");
        Assert.True(again.ExitCode == 1, $"exit {again.ExitCode}: {again.Err}{again.Out}");
        var modules = JsonDocument.Parse(again.Out).RootElement.GetProperty("courses")[0].GetProperty("drift").GetProperty("modules");
        Assert.Equal((0, 1, 0), (modules.GetProperty("missing").GetInt32(), modules.GetProperty("extra").GetInt32(), modules.GetProperty("changed").GetInt32()));
        Assert.Equal([course.Modules[0].CmId, moved.CmId, 43_800L], (await world.ExportAsync()).Modules.Select(m => m.CmId).Order());
    }
}
