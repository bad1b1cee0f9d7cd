using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Mirror.Snapshots;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Part 5: the course snapshot rule (what `reconcile` and the reconcile agent apply), on every
/// store: upserts with version T, tombstones of what Moodle no longer has where older than T,
/// newer events winning both ways, a newer course tombstone never undone, nothing written twice.
/// </summary>
public abstract partial class MirrorStoreContract
{
    private static readonly EventFactory S = new("https://snapshot.moodle.example");

    /// <summary>A snapshot of course 1 of site S taken at Origin + t.</summary>
    private static CourseSnapshot CourseOne(long t, IReadOnlyList<SnapshotModule>? modules = null, IReadOnlyList<SnapshotUser>? users = null,
        string fullName = "Algebra I", string shortName = "ALG1") =>
        new(S.Site, 1, EventFactory.Origin + t, fullName, shortName,
            modules ?? [new(10, "assign", 100, "Essay", null), new(11, "quiz", 5, "Quiz 1", null), new(12, "label", 7, "Welcome", null)],
            users ?? [Teacher(7), Student(8), Teacher(9, "manager", "student")]);

    private static SnapshotUser Teacher(long id, params string[] roles) =>
        new(id, $"user{id}", $"user{id}@example.edu", "Ada", "Lovelace", roles.Length == 0 ? ["editingteacher"] : roles);

    private static SnapshotUser Student(long id) => new(id, $"user{id}", $"user{id}@example.edu", "Stu", "Dent", ["student"]);

    private async Task<SnapshotOutcome> ApplySnapshot(CourseSnapshot snapshot, bool dryRun = false) =>
        await new CourseSnapshotRule(await StoreAsync(), TeacherRoles).ApplyAsync(snapshot, dryRun, Ct);

    private async Task<SnapshotOutcome> ApplyCourseGone(long t, bool dryRun = false) =>
        await new CourseSnapshotRule(await StoreAsync(), TeacherRoles).ApplyCourseGoneAsync(S.Site, 1, EventFactory.Origin + t, dryRun, Ct);

    [SkippableFact]
    public async Task Snapshot_on_an_empty_mirror_brings_the_course_its_modules_and_its_teachers_only()
    {
        var outcome = await ApplySnapshot(CourseOne(100));

        Assert.Equal(SnapshotStatus.Repaired, outcome.Status);
        var export = await Export();
        var course = Assert.Single(export.Courses);
        Assert.Equal(("Algebra I", "ALG1", false), (course.FullName, course.ShortName, course.Placeholder));
        Assert.Equal([10L, 11L, 12L], export.Modules.Select(m => m.CmId));
        Assert.Equal(("resource", "label", $"{S.Site}/mod/label/view.php?id=12"),
            (export.Modules[2].Kind, export.Modules[2].ResourceType, export.Modules[2].Url));
        Assert.Equal([7L, 9L], export.Users.Select(u => u.UserId));
        Assert.Equal(["manager"], export.Users[1].Roles.Select(r => r.Role));
        Assert.Equal(SnapshotVersion.At(EventFactory.Origin + 100), (await Get(MirrorKeys.Module(S.Site, 10))).Version);
        // course + 3 modules + 2 profiles + 2 roles written; a new teacher's profile comes with their
        // role and is not a difference of its own. The student is not kept.
        Assert.Equal(8, outcome.Written);
        Assert.Equal(6, outcome.Drift.Items.Count);
        Assert.Equal(0, outcome.Drift.Count(MirrorCollection.Users, DriftKind.Missing));
        Assert.Null(await Find(MirrorKeys.User(S.Site, 8)));
    }

    [SkippableFact]
    public async Task A_second_snapshot_of_an_unchanged_course_finds_no_drift_and_writes_nothing()
    {
        await ApplySnapshot(CourseOne(100));
        var before = await Snapshot(S.Site);

        var again = await ApplySnapshot(CourseOne(200));

        Assert.Equal(SnapshotStatus.InSync, again.Status);
        Assert.Empty(again.Drift.Items);
        Assert.Equal(0, again.Written);
        Assert.Equal(before, await Snapshot(S.Site));
    }

    [SkippableFact]
    public async Task Snapshot_tombstones_what_Moodle_no_longer_has_only_where_older_than_T()
    {
        await ApplyAll(
            S.CourseCreated(1, 1),
            S.ModuleCreated(2, 1, 10, "assign", 100, "Essay"),
            S.ModuleCreated(2, 1, 11, "quiz", 5, "Quiz 1"),
            S.ModuleCreated(2, 1, 13, "quiz", 6, "Old quiz"),
            S.QuizQuestions(3, 1, 5, 11, (1, "Q1")),
            S.QuizQuestions(3, 1, 6, 13, (2, "Q2")),
            S.RoleAssigned(3, 1, 7), S.RoleAssigned(3, 1, 20),
            // Newer than the snapshot: Moodle's answer does not show them yet, they stay.
            S.ModuleCreated(150, 1, 14, "page", 300, "Added during the reads"),
            S.RoleAssigned(150, 1, 21));

        var outcome = await ApplySnapshot(CourseOne(100,
            modules: [new(10, "assign", 100, "Essay", null), new(11, "quiz", 5, "Quiz 1", null)],
            users: [Teacher(7)]));

        var version = SnapshotVersion.At(EventFactory.Origin + 100);
        Assert.Equal(SnapshotStatus.Repaired, outcome.Status);
        Assert.Equal(version, (await Get(MirrorKeys.Module(S.Site, 13))).Version);
        Assert.True((await Get(MirrorKeys.Module(S.Site, 13))).Deleted);
        Assert.True((await Get(MirrorKeys.Quiz(S.Site, 6))).Deleted);
        Assert.True((await Get(MirrorKeys.TeacherRole(S.Site, 1, 20, "editingteacher"))).Deleted);
        // The quiz still there keeps its question list; what happened after T stays.
        Assert.Single((await Live<QuizData>(MirrorKeys.Quiz(S.Site, 5))).Questions);
        Assert.Equal("Added during the reads", (await Live<ModuleData>(MirrorKeys.Module(S.Site, 14))).Name);
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(S.Site, 1, 21, "editingteacher"));
        // Equal documents keep the version of the event that wrote them.
        Assert.Equal(EventVersion.Of(S.ModuleCreated(2, 1, 10, "assign", 100, "Essay")), (await Get(MirrorKeys.Module(S.Site, 10))).Version);
        Assert.Equal(
            [(MirrorCollection.Modules, DriftKind.Extra), (MirrorCollection.TeacherRoles, DriftKind.Extra), (MirrorCollection.Quizzes, DriftKind.Extra)],
            outcome.Drift.Items.Select(i => (i.Collection, i.Kind)).OrderBy(x => x.Collection).ToList());
    }

    [SkippableFact]
    public async Task Events_newer_than_the_snapshot_win_over_it_and_older_ones_lose()
    {
        await ApplySnapshot(CourseOne(100));

        // Older than T: lose, whatever the kind.
        Assert.Equal(ApplyOutcome.Stale, (await Apply(S.ModuleUpdated(50, 1, 10, "assign", 100, "Old name"))).Outcome);
        Assert.Equal(ApplyOutcome.Stale, (await Apply(S.ModuleDeleted(50, 1, 11, "quiz", 5))).Outcome);
        Assert.Equal(ApplyOutcome.Stale, (await Apply(S.RoleUnassigned(50, 1, 7))).Outcome);
        Assert.Equal(ApplyOutcome.Stale, (await Apply(S.CourseUpdated(99, 1, "Old course name"))).Outcome);
        // Of second T or later: win.
        Assert.Equal(ApplyOutcome.Applied, (await Apply(S.ModuleUpdated(100, 1, 10, "assign", 100, "Renamed at T"))).Outcome);
        Assert.Equal(ApplyOutcome.Applied, (await Apply(S.RoleUnassigned(101, 1, 9, "manager"))).Outcome);

        var export = await Export();
        Assert.Equal("Algebra I", export.Courses.Single().FullName);
        Assert.Equal("Renamed at T", export.Modules.Single(m => m.CmId == 10).Name);
        Assert.Contains(export.Modules, m => m.CmId == 11);
        Assert.Equal([7L], export.Users.Select(u => u.UserId));

        // A later snapshot that still sees the old state (taken before those events) loses to them too.
        var stale = await ApplySnapshot(CourseOne(100));
        Assert.Equal(SnapshotStatus.InSync, stale.Status);
        Assert.Equal("Renamed at T", (await Live<ModuleData>(MirrorKeys.Module(S.Site, 10))).Name);
    }

    [SkippableFact]
    public async Task A_snapshot_never_brings_back_a_course_deleted_after_it_but_repairs_one_deleted_before()
    {
        await Apply(S.CourseDeleted(200, 1));

        var outcome = await ApplySnapshot(CourseOne(100));

        Assert.Equal(SnapshotStatus.DeletedSince, outcome.Status);
        Assert.Equal(0, outcome.Written);
        Assert.Empty((await Export()).Courses);
        Assert.DoesNotContain(await All(MirrorCollection.Modules), d => d.Site == S.Site);

        // Deleted before T, and Moodle has it at T (restored from the recycle bin): it comes back.
        var restored = await ApplySnapshot(CourseOne(300));
        Assert.Equal(SnapshotStatus.Repaired, restored.Status);
        Assert.Equal("Algebra I", (await Live<CourseData>(MirrorKeys.Course(S.Site, 1))).FullName);
        Assert.Equal(3, (await Export()).Modules.Count);
    }

    [SkippableFact]
    public async Task A_course_Moodle_says_does_not_exist_is_tombstoned_with_its_subtree()
    {
        await ApplySnapshot(CourseOne(100));
        await Apply(S.QuizQuestions(101, 1, 5, 11, (1, "Q1")));

        var dry = await ApplyCourseGone(300, dryRun: true);
        Assert.Equal(SnapshotStatus.DriftFound, dry.Status);
        Assert.Equal(1 + 3 + 2 + 1, dry.Drift.Items.Count(i => i.Kind == DriftKind.Extra));
        Assert.Single((await Export()).Courses);

        var gone = await ApplyCourseGone(300);

        Assert.Equal(SnapshotStatus.Repaired, gone.Status);
        var version = SnapshotVersion.At(EventFactory.Origin + 300);
        foreach (var target in new[] { MirrorKeys.Course(S.Site, 1), MirrorKeys.Module(S.Site, 10), MirrorKeys.Quiz(S.Site, 5), MirrorKeys.TeacherRole(S.Site, 1, 7, "editingteacher") })
        {
            var doc = await Get(target);
            Assert.True(doc.Deleted, $"{target.Key} should be a tombstone");
            Assert.Equal(version, doc.Version);
        }

        var export = await Export();
        Assert.Empty(export.Courses);
        Assert.Empty(export.Modules);
        Assert.Empty(export.Users);
        Assert.Equal(SnapshotStatus.InSync, (await ApplyCourseGone(400)).Status);
    }

    [SkippableFact]
    public async Task Dry_run_reports_the_differences_and_changes_nothing()
    {
        await ApplySnapshot(CourseOne(100));
        var before = await Snapshot(S.Site);

        // Moodle now: module 12 gone, module 10 renamed, teacher 30 added, course renamed.
        var moodle = CourseOne(200,
            modules: [new(10, "assign", 100, "Essay (v2)", null), new(11, "quiz", 5, "Quiz 1", null)],
            users: [Teacher(7), Teacher(9, "manager"), Teacher(30)],
            fullName: "Algebra I (2026)");

        var dry = await ApplySnapshot(moodle, dryRun: true);

        Assert.Equal(SnapshotStatus.DriftFound, dry.Status);
        Assert.Equal(0, dry.Written);
        Assert.Equal(before, await Snapshot(S.Site));
        Assert.Equal(1, dry.Drift.Count(MirrorCollection.Courses, DriftKind.Changed));
        Assert.Equal(1, dry.Drift.Count(MirrorCollection.Modules, DriftKind.Changed));
        Assert.Equal(1, dry.Drift.Count(MirrorCollection.Modules, DriftKind.Extra));
        Assert.Equal(1, dry.Drift.Count(MirrorCollection.TeacherRoles, DriftKind.Missing));
        Assert.Equal(4, dry.Drift.Items.Count);

        var applied = await ApplySnapshot(moodle);
        Assert.Equal(dry.Drift.Items, applied.Drift.Items);
        Assert.Equal(5, applied.Written); // the four, and the new teacher's profile
        Assert.Equal("user30", (await Live<UserData>(MirrorKeys.User(S.Site, 30))).Username);
        Assert.Equal(SnapshotStatus.InSync, (await ApplySnapshot(moodle with { TakenAt = moodle.TakenAt + 50 }, dryRun: true)).Status);
    }

    [SkippableFact]
    public async Task A_snapshot_fills_in_a_placeholder_course()
    {
        await Apply(S.ModuleCreated(5, 1, 10, "assign", 100, "Essay"));
        Assert.True((await Get(MirrorKeys.Course(S.Site, 1))).Placeholder);

        var outcome = await ApplySnapshot(CourseOne(100, modules: [new(10, "assign", 100, "Essay", null)], users: []));

        Assert.Equal([(MirrorCollection.Courses, DriftKind.Missing)], outcome.Drift.Items.Select(i => (i.Collection, i.Kind)));
        Assert.Equal(new CourseData(1, "Algebra I", "ALG1"), await Live<CourseData>(MirrorKeys.Course(S.Site, 1)));
    }

    /// <summary>Course 1 with two quizzes (cm 11 = quiz 5, cm 13 = quiz 6), its teachers, and the quiz lists given.</summary>
    private static CourseSnapshot WithQuizzes(long t, IReadOnlyList<SnapshotQuiz>? quizzes) =>
        CourseOne(t, modules: [new(10, "assign", 100, "Essay", null), new(11, "quiz", 5, "Quiz 1", null), new(13, "quiz", 6, "Quiz 2", null)]) with { Quizzes = quizzes };

    private static SnapshotQuiz Quiz(long quizId, long cmId, params (long Id, string Name)[] questions) =>
        new(quizId, cmId, questions.Select(q => new QuizQuestionData(q.Id, q.Name)).ToList());

    [SkippableFact]
    public async Task Snapshot_writes_each_quiz_list_read_as_a_quiz_questions_changed_of_version_T_would()
    {
        await ApplyAll(S.CourseCreated(1, 1), S.ModuleCreated(2, 1, 11, "quiz", 5, "Quiz 1"), S.QuizQuestions(3, 1, 5, 11, (1, "Q1"), (2, "Q2")));

        var outcome = await ApplySnapshot(WithQuizzes(100,
            [Quiz(5, 11, (1, "Q1 renamed"), (3, "Q3")), Quiz(6, 13), Quiz(7, 99, (4, "Q4: its quiz module is not in the snapshot"))]));

        Assert.Equal(SnapshotStatus.Repaired, outcome.Status);
        Assert.Equal((1, 1, 0), (outcome.Drift.Count(MirrorCollection.Quizzes, DriftKind.Changed), outcome.Drift.Count(MirrorCollection.Quizzes, DriftKind.Missing),
            outcome.Drift.Count(MirrorCollection.Quizzes, DriftKind.Extra)));
        Assert.Contains("Q1 renamed", outcome.Drift.Items.Single(i => i.Collection == MirrorCollection.Quizzes && i.Kind == DriftKind.Changed).What);
        var renamed = await Get(MirrorKeys.Quiz(S.Site, 5));
        Assert.Equal(SnapshotVersion.At(EventFactory.Origin + 100), renamed.Version);
        Assert.Empty((await Live<QuizData>(MirrorKeys.Quiz(S.Site, 6))).Questions);
        Assert.Null(await Find(MirrorKeys.Quiz(S.Site, 7)));

        // The same document the question agent writes for that list (another site, same ids).
        var other = new EventFactory("https://other.moodle.example");
        await ApplyAll(other.QuizQuestions(3, 1, 5, 11, (1, "Q1 renamed"), (3, "Q3")));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals((await Get(MirrorKeys.Quiz(other.Site, 5))).Data, renamed.Data));

        // Read again unchanged: nothing written.
        var again = await ApplySnapshot(WithQuizzes(200, [Quiz(5, 11, (1, "Q1 renamed"), (3, "Q3")), Quiz(6, 13)]));
        Assert.Equal((SnapshotStatus.InSync, 0), (again.Status, again.Written));
    }

    [SkippableFact]
    public async Task Snapshot_leaves_quiz_lists_not_read_alone_and_a_newer_event_wins_over_a_list_read()
    {
        await ApplyAll(S.CourseCreated(1, 1), S.ModuleCreated(2, 1, 11, "quiz", 5, "Quiz 1"), S.QuizQuestions(3, 1, 5, 11, (1, "Q1")));
        await ApplySnapshot(WithQuizzes(100, null));
        Assert.Equal("Q1", (await Live<QuizData>(MirrorKeys.Quiz(S.Site, 5))).Questions.Single().Name);
        var notRead = await ApplySnapshot(WithQuizzes(110, null));
        Assert.Equal(SnapshotStatus.InSync, notRead.Status);

        // A list changed after T (its event is newer) keeps that event's list.
        await ApplyAll(S.QuizQuestions(150, 1, 5, 11, (1, "Q1 edited at 150")));
        var stale = await ApplySnapshot(WithQuizzes(120, [Quiz(5, 11, (1, "Q1 as read at 120")), Quiz(6, 13)]));
        Assert.Equal(0, stale.Drift.Count(MirrorCollection.Quizzes, DriftKind.Changed));
        Assert.Equal("Q1 edited at 150", (await Live<QuizData>(MirrorKeys.Quiz(S.Site, 5))).Questions.Single().Name);
        Assert.Equal(1, stale.Drift.Count(MirrorCollection.Quizzes, DriftKind.Missing));
    }
}
