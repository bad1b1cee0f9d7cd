using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Mirror.Snapshots;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// A course snapshot racing the user purge: every teacher role a snapshot writes touches its user
/// first (as a role event does), so the purge — which on MongoDB looks the roles up and deletes in
/// two steps, guarded by the user's last write — never leaves a live role without its profile.
/// </summary>
public abstract partial class MirrorStoreContract
{
    private static SnapshotUser TeacherProfile(long userId) =>
        new(userId, $"user{userId}", $"user{userId}@example.edu", "Ada", "Lovelace", ["editingteacher"]);

    private static CourseSnapshot CourseTaughtBy(EventFactory f, long courseId, long t, params long[] teachers) =>
        new(f.Site, courseId, EventFactory.Origin + t, $"Course {courseId}", $"C{courseId}", [], teachers.Select(TeacherProfile).ToList());

    /// <summary>Waits until the clock has passed <paramref name="instant"/> (writes after this are after it).</summary>
    private async Task ClockPassesAsync(DateTimeOffset instant)
    {
        while (DateTimeOffset.UtcNow <= instant) await Task.Delay(1, Ct);
    }

    [SkippableFact]
    public async Task A_role_written_by_a_snapshot_writes_its_users_profile_first_even_when_the_profile_is_unchanged()
    {
        var f = new EventFactory("https://snapshot-touch.moodle.example");
        await Apply(f.UserUpdated(10, 7, EventFactory.Profile("user7")));      // equal to Moodle's, older than T
        await Apply(f.UserUpdated(30, 8, EventFactory.Profile("user8")));      // equal, newer than T

        var outcome = await new CourseSnapshotRule(await StoreAsync(), TeacherRoles).ApplyAsync(CourseTaughtBy(f, 1, 20, 7, 8), dryRun: false, Ct);

        // The differences are the course and the two roles; the profiles are none, yet user 7's was written (at T) before its role.
        Assert.Equal(3, outcome.Drift.Items.Count);
        Assert.DoesNotContain(outcome.Drift.Items, i => i.Collection == MirrorCollection.Users);
        Assert.Equal(SnapshotVersion.At(EventFactory.Origin + 20), (await Get(MirrorKeys.User(f.Site, 7))).Version);
        Assert.Equal(EventVersion.Of(f.UserUpdated(30, 8, EventFactory.Profile("user8"))), (await Get(MirrorKeys.User(f.Site, 8))).Version);
        Assert.Equal("user8", (await Live<UserData>(MirrorKeys.User(f.Site, 8))).Username);
        Assert.Equal(4, outcome.Written); // course, user 7's profile, two roles (user 8's newer profile is only marked seen)
    }

    [SkippableFact]
    public async Task Purge_never_takes_the_profile_of_a_teacher_whose_role_a_snapshot_writes_meanwhile()
    {
        var f = new EventFactory("https://snapshot-purge.moodle.example");
        var users = Enumerable.Range(1, 120).Select(u => (long)u).ToList();
        // Profiles that no role backs, written before the cut and equal to what Moodle answers: the snapshot
        // finds no difference in them (the case where only the role write's touch of its user protects them).
        foreach (var u in users) await Apply(f.UserUpdated(10, u, EventFactory.Profile($"user{u}")));
        var cut = DateTimeOffset.UtcNow;
        await ClockPassesAsync(cut);

        using var snapshotting = new CancellationTokenSource();
        var purger = Task.Run(async () =>
        {
            var store = await StoreAsync();
            var runs = 0;
            while (!snapshotting.IsCancellationRequested || runs == 0)
            {
                await store.PurgeTombstonesAsync(cut, Ct);
                runs++;
            }

            return runs;
        });
        // Each user teaches a course of their own; Writers snapshots at a time, each written while the purge runs.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var rule = new CourseSnapshotRule(await StoreAsync(), TeacherRoles);
            foreach (var u in users.Where(u => u % Writers == w)) await rule.ApplyAsync(CourseTaughtBy(f, u, 20, u), dryRun: false, Ct);
        })));
        await snapshotting.CancelAsync();
        Assert.True(await purger > 0);

        foreach (var round in new[] { "after the race", "after another purge" })
        {
            var export = await Export();
            var missing = users.Where(u => export.Users.All(x => x.UserId != u)).ToList();
            Assert.True(missing.Count == 0, $"{round}: users with a live teacher role but no profile: {string.Join(", ", missing)}");
            foreach (var u in users)
            {
                await Live<TeacherRoleData>(MirrorKeys.TeacherRole(f.Site, u, u, "editingteacher"));
                Assert.Equal($"user{u}", (await Live<UserData>(MirrorKeys.User(f.Site, u))).Username);
            }

            await (await StoreAsync()).PurgeTombstonesAsync(cut, Ct);
        }
    }
}
