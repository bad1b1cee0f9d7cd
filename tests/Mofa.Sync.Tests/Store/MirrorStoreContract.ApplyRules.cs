using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>Part 2: every apply rule, per kind, in the natural order; and idempotency.</summary>
public abstract partial class MirrorStoreContract
{
    private static readonly EventFactory E = new();

    [SkippableFact]
    public async Task Course_created_then_updated_holds_the_update()
    {
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.CourseCreated(1, 1, "Algebra I", "ALG1"))).Outcome);
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.CourseUpdated(2, 1, "Algebra I (2026)", "ALG1-26"))).Outcome);

        var course = await Get(MirrorKeys.Course(E.Site, 1));
        Assert.Equal(EventVersion.Of(E.CourseUpdated(2, 1)), course.Version);
        Assert.Equal(1, course.CourseId);
        Assert.Equal(E.Site, course.Site);
        Assert.Equal(new CourseData(1, "Algebra I (2026)", "ALG1-26"), await Live<CourseData>(MirrorKeys.Course(E.Site, 1)));
        Assert.Single(await All(MirrorCollection.Courses));
    }

    [SkippableFact]
    public async Task A_module_delete_carries_the_name_the_mirror_had_for_it()
    {
        await ApplyAll(E.ModuleCreated(1, 1, 10, "quiz", 5, "Midterm"), E.ModuleUpdated(2, 1, 10, "quiz", 5, "Final exam"));

        var deleted = await Apply(E.ModuleDeleted(3, 1, 10, "quiz", 5));
        Assert.Equal(ApplyOutcome.Applied, deleted.Outcome);
        Assert.Equal("Final exam", deleted.Change?.ItemName);

        // A module the mirror never held: no name to tell (the message says "a module").
        var unknown = await Apply(E.ModuleDeleted(4, 1, 11, "assign", 6));
        Assert.Equal(ApplyOutcome.Applied, unknown.Outcome);
        Assert.Null(unknown.Change?.ItemName);
        Assert.NotNull(unknown.Change);
    }

    [SkippableFact]
    public async Task Course_delete_cascades_to_its_modules_teacher_roles_and_quizzes_only()
    {
        await ApplyAll(
            E.CourseCreated(1, 1), E.CourseCreated(1, 2, "Biology", "BIO"),
            E.ModuleCreated(2, 1, 10, "assign", 100, "Essay"),
            E.ModuleCreated(2, 1, 11, "quiz", 5, "Quiz 1"),
            E.QuizQuestions(3, 1, 5, 11, (1, "Q1"), (2, "Q2")),
            E.RoleAssigned(3, 1, 7), E.RoleAssigned(3, 1, 8, "manager"),
            E.ModuleCreated(2, 2, 20, "page", 200, "Syllabus"),
            E.QuizQuestions(3, 2, 6, 21, (3, "Q3")),
            E.RoleAssigned(3, 2, 7));
        var delete = E.CourseDeleted(10, 1);

        Assert.Equal(ApplyOutcome.Applied, (await Apply(delete)).Outcome);

        await AssertTombstone(MirrorKeys.Course(E.Site, 1), delete);
        await AssertTombstone(MirrorKeys.Module(E.Site, 10), delete);
        await AssertTombstone(MirrorKeys.Module(E.Site, 11), delete);
        await AssertTombstone(MirrorKeys.Quiz(E.Site, 5), delete);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher"), delete);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 1, 8, "manager"), delete);
        Assert.Equal(1, (await Get(MirrorKeys.Module(E.Site, 10))).CourseId);
        // Course 2 is untouched.
        Assert.Equal("Biology", (await Live<CourseData>(MirrorKeys.Course(E.Site, 2))).FullName);
        Assert.Equal("Syllabus", (await Live<ModuleData>(MirrorKeys.Module(E.Site, 20))).Name);
        Assert.Single((await Live<QuizData>(MirrorKeys.Quiz(E.Site, 6))).Questions);
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 2, 7, "editingteacher"));

        var export = await Export();
        Assert.Equal([2L], export.Courses.Select(c => c.CourseId));
        Assert.Equal([20L], export.Modules.Select(m => m.CmId));
        Assert.Equal([3L], export.QuizQuestions.Select(q => q.QuestionId));
        var user = Assert.Single(export.Users);
        Assert.Equal(7, user.UserId);
        Assert.Equal([new MirrorExport.TeacherRole(2, "editingteacher")], user.Roles);
    }

    [SkippableFact]
    public async Task Module_kinds_resource_types_and_urls()
    {
        await ApplyAll(
            E.ModuleCreated(1, 1, 10, "assign", 100, "Essay"),
            E.ModuleCreated(1, 1, 11, "quiz", 101, "Quiz"),
            E.ModuleCreated(1, 1, 12, "choice", 102, "Poll"),
            E.ModuleCreated(1, 1, 13, "page", 103, "Syllabus"),
            E.ModuleCreated(1, 1, 14, "url", 104, "Reading", "https://example.org/paper.pdf"));

        Assert.Equal(new ModuleData(1, 10, "assign", null, 100, "Essay", $"{E.Site}/mod/assign/view.php?id=10"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 10)));
        Assert.Equal(new ModuleData(1, 11, "quiz", null, 101, "Quiz", $"{E.Site}/mod/quiz/view.php?id=11"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 11)));
        Assert.Equal(new ModuleData(1, 12, "choice", null, 102, "Poll", $"{E.Site}/mod/choice/view.php?id=12"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 12)));
        Assert.Equal(new ModuleData(1, 13, "resource", "page", 103, "Syllabus", $"{E.Site}/mod/page/view.php?id=13"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 13)));
        Assert.Equal(new ModuleData(1, 14, "resource", "url", 104, "Reading", "https://example.org/paper.pdf"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 14)));
        Assert.All(await All(MirrorCollection.Modules), m => Assert.Equal(1, m.CourseId));
    }

    [SkippableFact]
    public async Task A_module_of_an_unseen_course_makes_a_placeholder_that_the_course_event_fills_in()
    {
        await Apply(E.ModuleCreated(5, 1, 10, "assign", 100, "Essay"));

        var placeholder = await Get(MirrorKeys.Course(E.Site, 1));
        Assert.True(placeholder.Placeholder);
        Assert.False(placeholder.Deleted);
        Assert.Equal(EventVersion.Placeholder, placeholder.Version);
        Assert.Equal(1, placeholder.CourseId);
        Assert.Equal(E.Site, placeholder.Site);
        Assert.Null(placeholder.Data);
        Assert.True(Assert.Single((await Export()).Courses).Placeholder);

        // An older course event still fills the placeholder in: a placeholder is older than every event.
        await Apply(E.CourseCreated(1, 1, "Algebra I", "ALG1"));
        Assert.Equal(new CourseData(1, "Algebra I", "ALG1"), await Live<CourseData>(MirrorKeys.Course(E.Site, 1)));
        Assert.False(Assert.Single((await Export()).Courses).Placeholder);

        // A second module does not turn the course back into a placeholder.
        await Apply(E.ModuleCreated(6, 1, 11, "quiz", 5, "Quiz"));
        Assert.Equal("Algebra I", (await Live<CourseData>(MirrorKeys.Course(E.Site, 1))).FullName);
    }

    [SkippableFact]
    public async Task Module_update_replaces_its_fields_and_delete_leaves_a_tombstone_with_its_course()
    {
        await Apply(E.ModuleCreated(1, 1, 10, "page", 100, "Syllabus"));
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.ModuleUpdated(2, 1, 10, "page", 100, "Syllabus v2", "https://example.org/s"))).Outcome);
        Assert.Equal(new ModuleData(1, 10, "resource", "page", 100, "Syllabus v2", "https://example.org/s"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 10)));

        var delete = E.ModuleDeleted(3, 1, 10, "page", 100);
        var result = await Apply(delete);

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(ContentChangeKind.Deleted, result.Change!.Kind);
        await AssertTombstone(MirrorKeys.Module(E.Site, 10), delete);
        var tombstone = await Get(MirrorKeys.Module(E.Site, 10));
        Assert.Equal(1, tombstone.CourseId);
        Assert.Equal(E.Site, tombstone.Site);
        Assert.Empty((await Export()).Modules);
    }

    [SkippableFact]
    public async Task Deleting_a_quiz_module_takes_its_questions_and_other_kinds_do_not()
    {
        await ApplyAll(
            E.ModuleCreated(1, 1, 11, "quiz", 5, "Quiz 5"),
            E.QuizQuestions(2, 1, 5, 11, (1, "Q1"), (2, "Q2")),
            E.ModuleCreated(1, 1, 13, "quiz", 6, "Quiz 6"),
            E.QuizQuestions(2, 1, 6, 13, (3, "Q3")),
            E.ModuleCreated(1, 1, 12, "assign", 6, "Essay with instance id 6"));

        // An assignment whose instance id equals a quiz's id is not that quiz.
        await Apply(E.ModuleDeleted(3, 1, 12, "assign", 6));
        Assert.Single((await Live<QuizData>(MirrorKeys.Quiz(E.Site, 6))).Questions);

        var delete = E.ModuleDeleted(4, 1, 11, "quiz", 5);
        await Apply(delete);
        await AssertTombstone(MirrorKeys.Quiz(E.Site, 5), delete);
        await AssertTombstone(MirrorKeys.Module(E.Site, 11), delete);
        Assert.Equal([3L], (await Export()).QuizQuestions.Select(q => q.QuestionId));
    }

    [SkippableFact]
    public async Task A_teacher_role_stores_the_role_and_the_users_profile()
    {
        var profile = EventFactory.Profile("alovelace", "Ada", "Lovelace");
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.RoleAssigned(1, 1, 7, "editingteacher", profile))).Outcome);
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.RoleAssigned(2, 2, 7, "manager", profile))).Outcome);

        Assert.Equal(new TeacherRoleData(1, 7, "editingteacher"), await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher")));
        Assert.Equal(new TeacherRoleData(2, 7, "manager"), await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 2, 7, "manager")));
        var role = await Get(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher"));
        Assert.Equal((1L, 7L), (role.CourseId!.Value, role.UserId!.Value));
        Assert.Equal(new UserData(7, "alovelace", "alovelace@example.edu", "Ada", "Lovelace"), await Live<UserData>(MirrorKeys.User(E.Site, 7)));
        Assert.Equal(7, (await Get(MirrorKeys.User(E.Site, 7))).UserId);
        Assert.True((await Get(MirrorKeys.Course(E.Site, 2))).Placeholder);

        var user = Assert.Single((await Export()).Users);
        Assert.Equal("alovelace", user.Username);
        Assert.Equal([new MirrorExport.TeacherRole(1, "editingteacher"), new MirrorExport.TeacherRole(2, "manager")], user.Roles);
    }

    [SkippableFact]
    public async Task A_non_teacher_role_is_ignored()
    {
        var assigned = await Apply(E.RoleAssigned(1, 1, 9, "student"));
        var unassigned = await Apply(E.RoleUnassigned(2, 1, 9, "student"));

        Assert.Equal(ApplyOutcome.Ignored, assigned.Outcome);
        Assert.Equal(ApplyOutcome.Ignored, unassigned.Outcome);
        foreach (var c in MirrorCollectionNames.All) Assert.Empty(await All(c));

        // A student role coming and going does not touch the same user's teacher role.
        await ApplyAll(E.RoleAssigned(3, 1, 9, "editingteacher"), E.RoleAssigned(4, 1, 9, "student"), E.RoleUnassigned(5, 1, 9, "student"));
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 1, 9, "editingteacher"));
        Assert.Single(await All(MirrorCollection.TeacherRoles));
        Assert.Single((await Export()).Users);
    }

    [SkippableFact]
    public async Task Unassigning_the_last_teacher_role_takes_the_user_out_of_the_readers_view()
    {
        await ApplyAll(E.RoleAssigned(1, 1, 7), E.RoleAssigned(1, 2, 7));

        var first = E.RoleUnassigned(2, 1, 7);
        Assert.Equal(ApplyOutcome.Applied, (await Apply(first)).Outcome);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher"), first);
        Assert.Equal([2L], Assert.Single((await Export()).Users).Roles.Select(r => r.CourseId));

        var last = E.RoleUnassigned(3, 2, 7);
        await Apply(last);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 2, 7, "editingteacher"), last);
        Assert.Empty((await Export()).Users);
        // The profile stays in the store (hidden from readers) until the purge.
        await Live<UserData>(MirrorKeys.User(E.Site, 7));

        // Assigned again later: back.
        await Apply(E.RoleAssigned(4, 2, 7));
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 2, 7, "editingteacher"));
        Assert.Single((await Export()).Users);
    }

    [SkippableFact]
    public async Task Deleting_a_user_removes_the_user_and_all_their_roles()
    {
        await ApplyAll(E.RoleAssigned(1, 1, 7), E.RoleAssigned(1, 2, 7, "manager"), E.RoleAssigned(1, 1, 8));

        var delete = E.UserDeleted(5, 7);
        Assert.Equal(ApplyOutcome.Applied, (await Apply(delete)).Outcome);

        await AssertTombstone(MirrorKeys.User(E.Site, 7), delete);
        Assert.Equal(7, (await Get(MirrorKeys.User(E.Site, 7))).UserId);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher"), delete);
        await AssertTombstone(MirrorKeys.TeacherRole(E.Site, 2, 7, "manager"), delete);
        await Live<TeacherRoleData>(MirrorKeys.TeacherRole(E.Site, 1, 8, "editingteacher"));
        Assert.Equal([8L], (await Export()).Users.Select(u => u.UserId));
    }

    [SkippableFact]
    public async Task A_profile_update_before_the_role_assignment_still_wins()
    {
        var newer = EventFactory.Profile("ada.l", "Ada", "King");
        await Apply(E.UserUpdated(5, 7, newer));
        Assert.Empty((await Export()).Users);

        var assigned = await Apply(E.RoleAssigned(3, 1, 7, "editingteacher", EventFactory.Profile("alovelace", "Ada", "Lovelace")));

        Assert.Equal(ApplyOutcome.Applied, assigned.Outcome);
        Assert.Equal(new UserData(7, "ada.l", "ada.l@example.edu", "Ada", "King"), await Live<UserData>(MirrorKeys.User(E.Site, 7)));
        Assert.Equal(EventVersion.Of(E.UserUpdated(5, 7)), (await Get(MirrorKeys.User(E.Site, 7))).Version);
        Assert.Equal("King", Assert.Single((await Export()).Users).LastName);

        // A later role_assigned carries a newer profile: it replaces the stored one.
        await Apply(E.RoleAssigned(9, 2, 7, "manager", EventFactory.Profile("ada", "Augusta Ada", "King")));
        Assert.Equal("Augusta Ada", (await Live<UserData>(MirrorKeys.User(E.Site, 7))).FirstName);
    }

    [SkippableFact]
    public async Task A_quiz_question_list_is_reconciled_added_renamed_removed()
    {
        await Apply(E.QuizQuestions(1, 1, 5, 11, (1, "What is 2+2?"), (2, "Define a group")));
        Assert.Equal([new QuizQuestionData(1, "What is 2+2?"), new QuizQuestionData(2, "Define a group")],
            (await Live<QuizData>(MirrorKeys.Quiz(E.Site, 5))).Questions);

        // Add 3, rename 1, remove 2.
        Assert.Equal(ApplyOutcome.Applied, (await Apply(E.QuizQuestions(2, 1, 5, 11, (1, "What is 2+3?"), (3, "Define a ring")))).Outcome);
        var quiz = await Live<QuizData>(MirrorKeys.Quiz(E.Site, 5));
        Assert.Equal([new QuizQuestionData(1, "What is 2+3?"), new QuizQuestionData(3, "Define a ring")], quiz.Questions);
        Assert.Equal((1L, 5L, 11L), (quiz.CourseId, quiz.QuizId, quiz.QuizCmId));

        // Empty list: the quiz has no questions left.
        await Apply(E.QuizQuestions(3, 1, 5, 11));
        Assert.Empty((await Live<QuizData>(MirrorKeys.Quiz(E.Site, 5))).Questions);
        Assert.Empty((await Export()).QuizQuestions);
        Assert.True((await Get(MirrorKeys.Course(E.Site, 1))).Placeholder);
    }

    [SkippableFact]
    public async Task Live_documents_read_back_with_exactly_their_data_fields_and_values()
    {
        await ApplyAll(
            E.CourseCreated(1, 1, "$set { \"a.b\": 1 }", "$where"),
            E.ModuleCreated(1, 1, 10, "quiz", 5, "$literal"),
            E.ModuleCreated(1, 1, 12, "page", 6, "Notes"),
            E.QuizQuestions(1, 1, 5, 10, (1, "$gt"), (2, "naïve ☃ \"quoted\"")),
            E.RoleAssigned(1, 1, 7, "editingteacher", EventFactory.Profile("o'brien", "Seán", "O'Brien")));

        async Task Fields(DocumentRef target, params string[] expected)
        {
            var doc = await Get(target);
            Assert.Equal(expected.Order(StringComparer.Ordinal), doc.Data!.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        }

        await Fields(MirrorKeys.Course(E.Site, 1), "courseId", "fullName", "shortName");
        await Fields(MirrorKeys.Module(E.Site, 10), "courseId", "cmId", "kind", "resourceType", "instanceId", "name", "url");
        await Fields(MirrorKeys.Quiz(E.Site, 5), "courseId", "quizId", "quizCmId", "questions");
        await Fields(MirrorKeys.User(E.Site, 7), "userId", "username", "email", "firstName", "lastName");
        await Fields(MirrorKeys.TeacherRole(E.Site, 1, 7, "editingteacher"), "courseId", "userId", "role");

        Assert.Equal(new CourseData(1, "$set { \"a.b\": 1 }", "$where"), await Live<CourseData>(MirrorKeys.Course(E.Site, 1)));
        Assert.Equal(new ModuleData(1, 10, "quiz", null, 5, "$literal", $"{E.Site}/mod/quiz/view.php?id=10"), await Live<ModuleData>(MirrorKeys.Module(E.Site, 10)));
        Assert.Equal([new QuizQuestionData(1, "$gt"), new QuizQuestionData(2, "naïve ☃ \"quoted\"")], (await Live<QuizData>(MirrorKeys.Quiz(E.Site, 5))).Questions);
        Assert.Equal(new UserData(7, "o'brien", "o'brien@example.edu", "Seán", "O'Brien"), await Live<UserData>(MirrorKeys.User(E.Site, 7)));

        // Numbers stay integers (a reader's {courseId: 1} must match), null stays null.
        var module = (await Get(MirrorKeys.Module(E.Site, 10))).Data!;
        Assert.Equal(10L, module["cmId"]!.GetValue<long>());
        Assert.Null(module["resourceType"]);
        Assert.True(module.ContainsKey("resourceType"));

        // Every document is written at a sensible time.
        foreach (var c in MirrorCollectionNames.All)
        {
            Assert.All(await All(c), d => Assert.InRange(d.UpdatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        }
    }

    [SkippableFact]
    public async Task Every_event_applied_twice_is_already_applied_and_changes_nothing()
    {
        var events = new MoodleEvent[]
        {
            E.CourseCreated(1, 1),
            E.CourseUpdated(2, 1, "Algebra II", "ALG2"),
            E.ModuleCreated(3, 1, 10, "assign", 100, "Essay"),
            E.ModuleCreated(3, 1, 11, "quiz", 5, "Quiz"),
            E.ModuleUpdated(4, 1, 10, "assign", 100, "Essay v2"),
            E.QuizQuestions(5, 1, 5, 11, (1, "Q1")),
            E.RoleAssigned(6, 1, 7),
            E.RoleAssigned(6, 1, 8),
            E.UserUpdated(7, 7, EventFactory.Profile("seven")),
            E.RoleUnassigned(8, 1, 8),
            E.ModuleDeleted(9, 1, 11, "quiz", 5),
            E.UserDeleted(10, 7),
            E.CourseDeleted(11, 1),
        };

        foreach (var e in events)
        {
            var first = await Apply(e);
            Assert.True(first.Outcome == ApplyOutcome.Applied, $"{e.EventId}: first delivery was {first.Outcome}");
            var before = await Snapshot(E.Site);

            var again = await Apply(e);

            Assert.True(again.Outcome == ApplyOutcome.AlreadyApplied, $"{e.EventId}: redelivery was {again.Outcome}");
            Assert.Equal(before, await Snapshot(E.Site));
        }

        // Sanity: the scenario did change the mirror at every step (the snapshots compare real states).
        Assert.Contains("DELETED", await Snapshot(E.Site), StringComparison.Ordinal);
    }
}
