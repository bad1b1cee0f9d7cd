using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Part 3: arrival order does not matter. Each scenario is applied in every order of its events
/// (each order on its own site); every order must give the same mirror, and the expected one.
/// </summary>
public abstract partial class MirrorStoreContract
{
    [SkippableFact]
    public async Task Course_update_before_create()
    {
        await InEveryOrder(
            f => [f.CourseCreated(1, 1, "Draft", "D"), f.CourseUpdated(2, 1, "Final", "F")],
            async f => Assert.Equal(new CourseData(1, "Final", "F"), await Live<CourseData>(MirrorKeys.Course(f.Site, 1))));
    }

    [SkippableFact]
    public async Task Course_delete_before_create_and_update()
    {
        await InEveryOrder(
            f => [f.CourseCreated(1, 1), f.CourseUpdated(2, 1, "Renamed", "R"), f.CourseDeleted(3, 1)],
            f => AssertTombstone(MirrorKeys.Course(f.Site, 1), f.CourseDeleted(3, 1)));
    }

    [SkippableFact]
    public async Task Course_created_after_its_module()
    {
        await InEveryOrder(
            f => [f.CourseCreated(1, 1), f.ModuleCreated(2, 1, 10, "assign", 100, "Essay")],
            async f =>
            {
                Assert.Equal("Algebra I", (await Live<CourseData>(MirrorKeys.Course(f.Site, 1))).FullName);
                Assert.Equal("Essay", (await Live<ModuleData>(MirrorKeys.Module(f.Site, 10))).Name);
            });
    }

    [SkippableFact]
    public async Task Module_update_before_create()
    {
        await InEveryOrder(
            f => [f.ModuleCreated(1, 1, 10, "page", 100, "Syllabus"), f.ModuleUpdated(2, 1, 10, "page", 100, "Syllabus v2")],
            async f => Assert.Equal("Syllabus v2", (await Live<ModuleData>(MirrorKeys.Module(f.Site, 10))).Name));
    }

    [SkippableFact]
    public async Task Module_delete_before_create_and_update()
    {
        await InEveryOrder(
            f => [f.ModuleCreated(1, 1, 10, "assign", 100, "Essay"), f.ModuleUpdated(2, 1, 10, "assign", 100, "Essay v2"), f.ModuleDeleted(3, 1, 10, "assign", 100)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.Module(f.Site, 10), f.ModuleDeleted(3, 1, 10, "assign", 100));
                Assert.Equal(1, (await Get(MirrorKeys.Module(f.Site, 10))).CourseId);
            });
    }

    [SkippableFact]
    public async Task Course_delete_before_module_create()
    {
        await InEveryOrder(
            f => [f.CourseCreated(1, 1), f.ModuleCreated(2, 1, 10, "assign", 100, "Essay"), f.CourseDeleted(3, 1)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.Course(f.Site, 1), f.CourseDeleted(3, 1));
                await AssertTombstone(MirrorKeys.Module(f.Site, 10), f.CourseDeleted(3, 1));
            });
    }

    [SkippableFact]
    public async Task Module_create_after_the_course_delete_reports_stale()
    {
        var f = new EventFactory("https://stale.moodle.example");
        await Apply(f.CourseDeleted(3, 1));

        var late = await Apply(f.ModuleCreated(2, 1, 10, "assign", 100, "Essay"));

        Assert.Equal(ApplyOutcome.Stale, late.Outcome);
        Assert.Null(late.Change);
        await AssertTombstone(MirrorKeys.Module(f.Site, 10), f.CourseDeleted(3, 1));
    }

    [SkippableFact]
    public async Task Quiz_module_delete_before_its_questions()
    {
        await InEveryOrder(
            f => [f.ModuleCreated(1, 1, 11, "quiz", 5, "Quiz"), f.QuizQuestions(2, 1, 5, 11, (1, "Q1")), f.ModuleDeleted(3, 1, 11, "quiz", 5)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.Module(f.Site, 11), f.ModuleDeleted(3, 1, 11, "quiz", 5));
                await AssertTombstone(MirrorKeys.Quiz(f.Site, 5), f.ModuleDeleted(3, 1, 11, "quiz", 5));
            });
    }

    [SkippableFact]
    public async Task Course_delete_before_quiz_questions()
    {
        await InEveryOrder(
            f => [f.QuizQuestions(1, 1, 5, 11, (1, "Q1")), f.QuizQuestions(2, 1, 5, 11, (1, "Q1"), (2, "Q2")), f.CourseDeleted(3, 1)],
            f => AssertTombstone(MirrorKeys.Quiz(f.Site, 5), f.CourseDeleted(3, 1)));
    }

    [SkippableFact]
    public async Task Quiz_question_lists_out_of_order()
    {
        await InEveryOrder(
            f => [f.QuizQuestions(1, 1, 5, 11, (1, "A")), f.QuizQuestions(2, 1, 5, 11, (1, "A"), (2, "B")), f.QuizQuestions(3, 1, 5, 11, (2, "B2"), (3, "C"))],
            async f => Assert.Equal([new QuizQuestionData(2, "B2"), new QuizQuestionData(3, "C")], (await Live<QuizData>(MirrorKeys.Quiz(f.Site, 5))).Questions));
    }

    [SkippableFact]
    public async Task Course_delete_before_role_assign()
    {
        await InEveryOrder(
            f => [f.RoleAssigned(1, 1, 7), f.CourseDeleted(2, 1)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"), f.CourseDeleted(2, 1));
                Assert.DoesNotContain((await Export()).Users, u => u.Site == f.Site);
            });
    }

    [SkippableFact]
    public async Task Unassign_before_assign()
    {
        await InEveryOrder(
            f => [f.RoleAssigned(1, 1, 7), f.RoleUnassigned(2, 1, 7)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"), f.RoleUnassigned(2, 1, 7));
                Assert.DoesNotContain((await Export()).Users, u => u.Site == f.Site);
            });
    }

    [SkippableFact]
    public async Task User_delete_before_role_assign()
    {
        await InEveryOrder(
            f => [f.RoleAssigned(1, 1, 7), f.RoleAssigned(2, 2, 7, "manager"), f.UserDeleted(3, 7)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.User(f.Site, 7), f.UserDeleted(3, 7));
                await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"), f.UserDeleted(3, 7));
                await AssertTombstone(MirrorKeys.TeacherRole(f.Site, 2, 7, "manager"), f.UserDeleted(3, 7));
            });
    }

    [SkippableFact]
    public async Task User_delete_before_profile_update()
    {
        await InEveryOrder(
            f => [f.UserUpdated(1, 7), f.UserDeleted(2, 7)],
            f => AssertTombstone(MirrorKeys.User(f.Site, 7), f.UserDeleted(2, 7)));
    }

    [SkippableFact]
    public async Task Profile_update_and_role_assignment_in_any_order()
    {
        await InEveryOrder(
            f => [f.RoleAssigned(1, 1, 7, "editingteacher", EventFactory.Profile("old")), f.UserUpdated(2, 7, EventFactory.Profile("new", "Grace", "Hopper"))],
            async f =>
            {
                Assert.Equal(new UserData(7, "new", "new@example.edu", "Grace", "Hopper"), await Live<UserData>(MirrorKeys.User(f.Site, 7)));
                await Live<TeacherRoleData>(MirrorKeys.TeacherRole(f.Site, 1, 7, "editingteacher"));
            });
    }

    [SkippableFact]
    public async Task Two_courses_one_unassign_and_a_profile_update_in_any_order()
    {
        await InEveryOrder(
            f => [f.RoleAssigned(1, 1, 7), f.RoleAssigned(2, 2, 7, "manager"), f.RoleUnassigned(3, 1, 7), f.UserUpdated(4, 7, EventFactory.Profile("ada", "Ada", "King"))],
            async f =>
            {
                var user = Assert.Single((await Export()).Users, u => u.Site == f.Site);
                Assert.Equal("King", user.LastName);
                Assert.Equal([new MirrorExport.TeacherRole(2, "manager")], user.Roles);
            });
    }

    [SkippableFact]
    public async Task Module_delete_and_course_delete_in_any_order()
    {
        // The module's own (older) delete and the course's (newer) delete: the newer wins.
        await InEveryOrder(
            f => [f.ModuleCreated(1, 1, 10, "quiz", 5, "Quiz"), f.QuizQuestions(2, 1, 5, 10, (1, "Q")), f.ModuleDeleted(3, 1, 10, "quiz", 5), f.CourseDeleted(4, 1)],
            async f =>
            {
                await AssertTombstone(MirrorKeys.Module(f.Site, 10), f.CourseDeleted(4, 1));
                await AssertTombstone(MirrorKeys.Quiz(f.Site, 5), f.CourseDeleted(4, 1));
            });
    }
}
