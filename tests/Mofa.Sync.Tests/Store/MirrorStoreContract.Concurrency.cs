using System.Globalization;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>Part 4: concurrent conflicting writers; part 5: the tombstone purge.</summary>
public abstract partial class MirrorStoreContract
{
    public const int Writers = 8;

    /// <summary>Many versions of the same documents, including deletes that cascade over concurrent child writes.</summary>
    private static List<MoodleEvent> ConflictingHistory(EventFactory f)
    {
        static string V(long t) => string.Create(CultureInfo.InvariantCulture, $"v{t}");
        var events = new List<MoodleEvent>();
        for (long t = 1; t <= 15; t++)
        {
            // Course 1 lives: the newest version of everything must win.
            events.Add(t == 1 ? f.CourseCreated(t, 1, V(t), V(t)) : f.CourseUpdated(t, 1, V(t), V(t)));
            events.Add(t == 1 ? f.ModuleCreated(t, 1, 10, "quiz", 5, V(t)) : f.ModuleUpdated(t, 1, 10, "quiz", 5, V(t)));
            events.Add(f.QuizQuestions(t, 1, 5, 10, Enumerable.Range(1, (int)(t % 4) + 1).Select(q => ((long)q, $"{V(t)}-q{q}")).ToArray()));
            events.Add(f.UserUpdated(t, 7, EventFactory.Profile($"user7-{V(t)}")));
            events.Add(t % 2 == 1 ? f.RoleAssigned(t, 1, 7, "editingteacher", EventFactory.Profile($"user7-{V(t)}")) : f.RoleUnassigned(t, 1, 7));

            // Course 2 is deleted at the end: its children are written concurrently with the cascade.
            if (t <= 10)
            {
                events.Add(f.ModuleUpdated(t, 2, 20, "page", 200, V(t)));
                events.Add(f.QuizQuestions(t, 2, 6, 21, (t, V(t))));
                events.Add(f.RoleAssigned(t, 2, 8, "manager", EventFactory.Profile($"user8-{V(t)}")));
            }
        }

        events.Add(f.CourseDeleted(16, 2));
        // User 9 is deleted after a role assignment.
        events.Add(f.RoleAssigned(3, 1, 9));
        events.Add(f.UserDeleted(12, 9));
        // Course 3 exists only as the parent of modules created at the same time.
        for (long cm = 30; cm < 38; cm++) events.Add(f.ModuleCreated(1, 3, cm, "assign", cm, $"Essay {cm}"));
        return events;
    }

    [SkippableFact]
    public async Task Concurrent_writers_applying_shuffled_copies_converge_to_the_newest_state()
    {
        var reference = new EventFactory("https://reference.moodle.example");
        foreach (var e in ConflictingHistory(reference).OrderBy(EventVersion.Of, StringComparer.Ordinal)) await Apply(e);

        var f = new EventFactory("https://concurrent.moodle.example");
        var history = ConflictingHistory(f);
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            var mine = history.OrderBy(_ => random.Next()).ToList();
            start.Wait(Ct);
            var outcomes = new List<ApplyOutcome>();
            foreach (var e in mine) outcomes.Add((await Apply(e)).Outcome);
            return outcomes;
        })).ToList();
        start.Set();
        var outcomes = (await Task.WhenAll(writers)).SelectMany(o => o).ToList();

        // Each event landed once at most; duplicates were recognised.
        Assert.Equal(Writers * history.Count, outcomes.Count);
        Assert.Contains(ApplyOutcome.AlreadyApplied, outcomes);
        Assert.Contains(ApplyOutcome.Applied, outcomes);

        Assert.Equal(
            new CourseData(1, "v15", "v15"), await Live<CourseData>(MirrorKeys.Course(f.Site, 1)));
        Assert.Equal("v15", (await Live<ModuleData>(MirrorKeys.Module(f.Site, 10))).Name);
        Assert.Equal(["v15-q1", "v15-q2", "v15-q3", "v15-q4"], (await Live<QuizData>(MirrorKeys.Quiz(f.Site, 5))).Questions.Select(q => q.Name));
        Assert.Equal("user7-v15", (await Live<UserData>(MirrorKeys.User(f.Site, 7))).Username);
        Assert.Equal(EventVersion.Of(f.RoleAssigned(15, 1, 7)), (await Get(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"))).Version);
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"));

        var courseDelete = f.CourseDeleted(16, 2);
        await AssertTombstone(MirrorKeys.Course(f.Site, 2), courseDelete);
        await AssertTombstone(MirrorKeys.Module(f.Site, 20), courseDelete);
        await AssertTombstone(MirrorKeys.Quiz(f.Site, 6), courseDelete);
        await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 2, 8, "manager"), courseDelete);
        Assert.Equal("user8-v10", (await Live<UserData>(MirrorKeys.User(f.Site, 8))).Username);

        await AssertTombstone(MirrorKeys.User(f.Site, 9), f.UserDeleted(12, 9));
        await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 1, 9, "editingteacher"), f.UserDeleted(12, 9));

        var course3 = await Get(MirrorKeys.Course(f.Site, 3));
        Assert.True(course3.Placeholder);
        Assert.Single(await All(MirrorCollection.Courses), c => c.Key == course3.Key);
        Assert.Equal(8, (await All(MirrorCollection.Modules)).Count(m => m.Site == f.Site && m.CourseId == 3 && !m.Deleted));

        // And the whole mirror is the one applying the history once, in order, gives.
        Assert.Equal(await Snapshot(reference.Site), await Snapshot(f.Site));
    }

    [SkippableFact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_exactly_once()
    {
        await StoreAsync();
        var f = new EventFactory();
        var events = new MoodleEvent[] { f.CourseCreated(1, 1), f.RoleAssigned(2, 1, 7), f.QuizQuestions(3, 1, 5, 11, (1, "Q")), f.CourseDeleted(4, 1) };
        foreach (var e in events)
        {
            using var start = new ManualResetEventSlim();
            var deliveries = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                start.Wait(Ct);
                return (await Apply(e)).Outcome;
            })).ToList();
            start.Set();
            var outcomes = await Task.WhenAll(deliveries);

            Assert.True(outcomes.Count(o => o == ApplyOutcome.Applied) == 1,
                $"{e.EventId}: {string.Join(", ", outcomes)} — exactly one delivery applies, the others see it already applied");
            Assert.Equal(Writers - 1, outcomes.Count(o => o == ApplyOutcome.AlreadyApplied));
        }
    }

    [SkippableFact]
    public async Task Purge_removes_tombstones_and_unbacked_profiles_older_than_the_cut()
    {
        var f = new EventFactory();
        // Before the cut.
        await ApplyAll(
            f.CourseCreated(1, 1), f.CourseDeleted(2, 1),                  // course 1: tombstone
            f.ModuleCreated(1, 2, 10, "assign", 100, "Essay"),             // course 2: placeholder (live)
            f.ModuleDeleted(2, 2, 10, "assign", 100),                      // module 10: tombstone
            f.UserUpdated(1, 7),                                           // user 7: never a teacher
            f.RoleAssigned(1, 3, 8),                                       // user 8: a teacher (course 3 placeholder)
            f.RoleAssigned(1, 3, 9), f.RoleUnassigned(2, 3, 9));           // user 9: was a teacher (role tombstone)
        await Task.Delay(50);
        var cut = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        // After the cut.
        await ApplyAll(
            f.CourseDeleted(3, 4),                                         // course 4: tombstone, recent
            f.UserUpdated(3, 10));                                         // user 10: unbacked, recent

        var purged = await (await StoreAsync()).PurgeTombstonesAsync(cut, Ct);

        Assert.Null(await Find(MirrorKeys.Course(f.Site, 1)));
        Assert.Null(await Find(MirrorKeys.Module(f.Site, 10)));
        Assert.Null(await Find(MirrorKeys.User(f.Site, 7)));
        Assert.Null(await Find(MirrorKeys.User(f.Site, 9)));
        Assert.Null(await Find(MirrorKeys.TeacherRole(f.Site, 3, 9, "editingteacher")));
        Assert.Equal(5, purged);

        Assert.True((await Get(MirrorKeys.Course(f.Site, 2))).Placeholder);
        Assert.True((await Get(MirrorKeys.Course(f.Site, 3))).Placeholder);
        await AssertTombstone(MirrorKeys.Course(f.Site, 4), f.CourseDeleted(3, 4));
        await Live<UserData>(MirrorKeys.User(f.Site, 8));
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(f.Site, 3, 8, "editingteacher"));
        await Live<UserData>(MirrorKeys.User(f.Site, 10));
        Assert.Equal([8L], (await Export()).Users.Select(u => u.UserId));

        // Nothing left before the same cut; a later cut takes the recent ones, never a backed teacher.
        Assert.Equal(0, await (await StoreAsync()).PurgeTombstonesAsync(cut, Ct));
        Assert.Equal(2, await (await StoreAsync()).PurgeTombstonesAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct));
        Assert.Null(await Find(MirrorKeys.Course(f.Site, 4)));
        Assert.Null(await Find(MirrorKeys.User(f.Site, 10)));
        await Live<UserData>(MirrorKeys.User(f.Site, 8));
        Assert.Equal(["course=2", "course=3"], (await All(MirrorCollection.Courses)).Select(c => $"course={c.CourseId}"));
        Assert.Single(await All(MirrorCollection.Users));
        Assert.Single(await All(MirrorCollection.TeacherRoles));
        Assert.Empty(await All(MirrorCollection.Modules));
    }

    [SkippableFact]
    public async Task Purge_never_takes_the_profile_of_a_user_whose_role_is_assigned_meanwhile()
    {
        var f = new EventFactory();
        var users = Enumerable.Range(1, 120).Select(u => (long)u).ToList();
        // Profiles that no role backs, written before the cut; the role assignments carry older profiles,
        // so their user write changes nothing (the case where nothing but the purge's own checks protects the user).
        foreach (var u in users) await Apply(f.UserUpdated(10, u, EventFactory.Profile($"user{u}-v10")));
        await Task.Delay(50);
        var cut = DateTimeOffset.UtcNow;
        await Task.Delay(50);

        // The purger runs pass after pass; each assignment waits, before the next, until a whole pass
        // has begun after it began: every assignment is raced by a purge, on any machine.
        using var assigning = new CancellationTokenSource();
        var passes = 0;
        var purger = Task.Run(async () =>
        {
            var store = await StoreAsync();
            while (!assigning.IsCancellationRequested)
            {
                await store.PurgeTombstonesAsync(cut, Ct);
                Interlocked.Increment(ref passes);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            foreach (var u in users.Where(u => u % Writers == w))
            {
                var before = Volatile.Read(ref passes);
                await Apply(f.RoleAssigned(5, 1, u, "editingteacher", EventFactory.Profile($"user{u}-v5")));
                // Two more passes ended: the second of them began after this assignment began.
                while (Volatile.Read(ref passes) < before + 2)
                {
                    if (purger.IsCompleted) await purger; // a purge failed: its exception, not a hang
                    await Task.Delay(1);
                }
            }
        })));
        await assigning.CancelAsync();
        await purger;
        Assert.True(passes >= users.Count / Writers * 2, $"the purge should have raced every assignment; it ran {passes} passes for {users.Count} assignments");

        // Every teacher keeps a profile (the stored one, or the one their role's event carried), now and after one more purge.
        foreach (var round in new[] { "after the race", "after another purge" })
        {
            var export = await Export();
            var missing = users.Where(u => export.Users.All(x => x.UserId != u)).ToList();
            Assert.True(missing.Count == 0, $"{round}: users with a live teacher role but no profile: {string.Join(", ", missing)}");
            foreach (var u in users)
            {
                await Live<TeacherRoleData>(MirrorKeys.TeacherRole(f.Site, 1, u, "editingteacher"));
                Assert.StartsWith($"user{u}-v", (await Live<UserData>(MirrorKeys.User(f.Site, u))).Username, StringComparison.Ordinal);
            }

            await (await StoreAsync()).PurgeTombstonesAsync(cut, Ct);
        }
    }
}
