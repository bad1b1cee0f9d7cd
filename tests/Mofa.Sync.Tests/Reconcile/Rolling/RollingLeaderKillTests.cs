using System.Globalization;
using Mofa.Sync.Tests.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile.Rolling;

/// <summary>
/// The process leading a site's pass is SIGKILLed while Moodle holds its reading of a course (a point the test
/// controls): the other process takes the lease over when it runs out and goes on from where the pass was, from the
/// state in the store. Only the course in flight is read again.
/// </summary>
public sealed class RollingLeaderKillTests
{
    private const long HeldCourse = 9;

    [Fact]
    public async Task The_leader_killed_midway_leaves_the_pass_to_the_other_process_which_reads_only_the_course_in_flight_again()
    {
        await using var world = new RollingWorld(period: TimeSpan.FromMinutes(5), callsPerSecond: 20);
        for (var id = 2L; id <= 21; id++) world.Reconcile.AddCourse(id, modules: 2, teachers: 1, students: 1);

        // The pass's first reading of course 9 (the 8th: never-verified courses go by id) is held until the test lets it go.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = 0;
        world.Server.Answer = (call, n) =>
        {
            var reply = world.Moodle.Answer(call, n);
            if (call.Function == "core_course_get_contents" && call.Form.GetValueOrDefault("courseid") == HeldCourse.ToString(CultureInfo.InvariantCulture)
                && Interlocked.Exchange(ref holding, 1) == 0)
            {
                held.TrySetResult();
                return reply with { HeldUntil = release.Task };
            }

            return reply;
        };

        var first = await world.StartServiceAsync();
        var second = await world.StartServiceAsync();
        await held.Task.WaitAsync(RollingWorld.Budget);

        // The reading in flight belongs to the leader: the lease names its process.
        var state = await world.StateAsync();
        var leader = new[] { first, second }.Single(s => state!.LeaseHolder!.Contains($":{s.Id}:", StringComparison.Ordinal));
        var other = leader == first ? second : first;
        var readBefore = world.ContentReads();
        Assert.Equal(8, readBefore.Count); // courses 2..9, the 9th held: the kill strikes a pass in flight
        await world.KillAsync(leader);
        release.TrySetResult();

        var done = await world.WaitForFullPassAsync();
        Assert.Equal(20, done.LastPassCourses);
        Assert.Contains($":{other.Id}:", (await world.StateAsync())!.LeaseHolder, StringComparison.Ordinal);

        // Every course read once, the one in flight twice: nothing skipped, nothing else read again.
        var reads = world.ContentReads();
        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i).ToDictionary(i => i, i => i == HeldCourse ? 2 : 1), reads);
        var (expected, actual) = (world.Reconcile.Expected(), ReconcileWorld.Actual(await world.Reconcile.ExportAsync()));
        Assert.Equal(expected.Courses, actual.Courses);
        Assert.Equal(expected.Modules, actual.Modules);
        Assert.Equal(expected.Roles, actual.Roles);
    }
}
