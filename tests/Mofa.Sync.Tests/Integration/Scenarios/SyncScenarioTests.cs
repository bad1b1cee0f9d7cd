using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>
/// Every operation of the original sync agent, driven by raw bridge JSON through the real broker
/// and read back from the exported mirror.
/// </summary>
public sealed class SyncScenarioTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    private readonly PhpBridge _bridge = PhpBridge.ForNewSite();

    private string Site => _bridge.Site;

    private (string, string) Course(string key, long id, string full, string shortName) =>
        _bridge.Event(key, new { courseId = id, fullName = full, shortName });

    private (string, string) Module(string key, long courseId, long cmId, string modName, long instanceId, string name, string? url = null) =>
        url is null
            ? _bridge.Event(key, new { courseId, cmId, moduleName = modName, instanceId, name })
            : _bridge.Event(key, new { courseId, cmId, moduleName = modName, instanceId, name, url });

    private (string, string) Assign(long courseId, long userId, string role, string username = "jdoe", string email = "jdoe@example.edu") =>
        _bridge.Event(RoleAssigned, new { courseId, userId, roleShortName = role, user = PhpBridge.Profile(username, email, "Jane", "Doe") });

    private (string, string) Questions(long courseId, long quizId, long quizCmId, params (long Id, string Name)[] questions) =>
        _bridge.Event(QuizQuestionsChanged, new { courseId, quizId, quizCmId, questions = questions.Select(q => new { questionId = q.Id, name = q.Name }) });

    [Fact]
    public async Task Course_created_is_in_the_mirror()
    {
        var mirror = await fixture.PublishAndExportAsync(Site, Course(CourseCreated, 10, "Algebra I", "ALG1"));
        var course = Assert.Single(mirror.Courses);
        Assert.Equal((10L, "Algebra I", "ALG1", false), (course.CourseId, course.FullName, course.ShortName, course.Placeholder));
    }

    [Fact]
    public async Task Course_updated_renames_it()
    {
        var mirror = await fixture.PublishAndExportAsync(Site, Course(CourseCreated, 11, "Algebra I", "ALG1"), Course(CourseUpdated, 11, "Linear Algebra", "LINALG"));
        var course = Assert.Single(mirror.Courses);
        Assert.Equal(("Linear Algebra", "LINALG"), (course.FullName, course.ShortName));
    }

    [Fact]
    public async Task Course_deleted_takes_its_modules_teacher_roles_and_quiz_questions()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Course(CourseCreated, 12, "Physics", "PHY"),
            Course(CourseCreated, 13, "Chemistry", "CHEM"),
            Module(CourseModuleCreated, 12, 120, "quiz", 5, "Quiz 1"),
            Module(CourseModuleCreated, 13, 130, "assign", 6, "Lab report"),
            Questions(12, 5, 120, (1, "Newton")),
            Assign(12, 7, "editingteacher"),
            Assign(13, 7, "editingteacher"),
            _bridge.Event(BridgeRoutingKeys.CourseDeleted, new { courseId = 12 }));

        Assert.Equal(13, Assert.Single(mirror.Courses).CourseId);
        Assert.Equal(130, Assert.Single(mirror.Modules).CmId);
        Assert.Empty(mirror.QuizQuestions);
        Assert.Equal(13, Assert.Single(Assert.Single(mirror.Users).Roles).CourseId);
    }

    [Fact]
    public async Task Modules_of_every_kind_are_kept_with_name_and_link()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Course(CourseCreated, 20, "History", "HIS"),
            Module(CourseModuleCreated, 20, 201, "assign", 1, "Essay"),
            Module(CourseModuleCreated, 20, 202, "quiz", 2, "Midterm"),
            Module(CourseModuleCreated, 20, 203, "choice", 3, "Pick a topic"),
            Module(CourseModuleCreated, 20, 204, "page", 4, "Reading list", $"{Site}/mod/page/view.php?id=204&section=2"));

        Assert.Collection(mirror.Modules,
            m => Assert.Equal(("assign", null, "Essay", $"{Site}/mod/assign/view.php?id=201"), (m.Kind, m.ResourceType, m.Name, m.Url)),
            m => Assert.Equal(("quiz", null, "Midterm", $"{Site}/mod/quiz/view.php?id=202"), (m.Kind, m.ResourceType, m.Name, m.Url)),
            m => Assert.Equal(("choice", null, "Pick a topic"), (m.Kind, m.ResourceType, m.Name)),
            m => Assert.Equal(("resource", "page", "Reading list", $"{Site}/mod/page/view.php?id=204&section=2"), (m.Kind, m.ResourceType, m.Name, m.Url)));
        Assert.All(mirror.Modules, m => Assert.Equal(20, m.CourseId));
    }

    [Fact]
    public async Task Module_updated_renames_it()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Module(CourseModuleCreated, 21, 211, "assign", 1, "Essay"),
            Module(CourseModuleUpdated, 21, 211, "assign", 1, "Final essay"));
        Assert.Equal("Final essay", Assert.Single(mirror.Modules).Name);
    }

    [Fact]
    public async Task Module_deleted_leaves_and_a_deleted_quiz_takes_its_questions()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Module(CourseModuleCreated, 22, 221, "quiz", 9, "Quiz A"),
            Module(CourseModuleCreated, 22, 222, "quiz", 10, "Quiz B"),
            Questions(22, 9, 221, (1, "q1"), (2, "q2")),
            Questions(22, 10, 222, (3, "q3")),
            _bridge.Event(CourseModuleDeleted, new { courseId = 22, cmId = 221, moduleName = "quiz", instanceId = 9 }));

        Assert.Equal(222, Assert.Single(mirror.Modules).CmId);
        Assert.Equal(3, Assert.Single(mirror.QuizQuestions).QuestionId);
    }

    [Fact]
    public async Task Module_of_an_unseen_course_is_applied_with_a_placeholder_course_filled_in_later()
    {
        var before = await fixture.PublishAndExportAsync(Site, Module(CourseModuleCreated, 23, 231, "choice", 1, "Vote"));
        var placeholder = Assert.Single(before.Courses);
        Assert.True(placeholder.Placeholder);
        Assert.Null(placeholder.FullName);
        Assert.Single(before.Modules);

        var after = await fixture.PublishAndExportAsync(Site, Course(CourseCreated, 23, "Civics", "CIV"));
        Assert.Equal(("Civics", false), (Assert.Single(after.Courses).FullName, after.Courses[0].Placeholder));
    }

    [Fact]
    public async Task Teacher_roles_add_the_role_and_create_the_user_once()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Course(CourseCreated, 30, "Biology", "BIO"),
            Course(CourseCreated, 31, "Botany", "BOT"),
            Assign(30, 70, "editingteacher", "mcurie", "marie@example.edu"),
            Assign(31, 70, "manager", "mcurie", "marie@example.edu"));

        var user = Assert.Single(mirror.Users);
        Assert.Equal(("mcurie", "marie@example.edu", "Jane", "Doe"), (user.Username, user.Email, user.FirstName, user.LastName));
        Assert.Equal([(30L, "editingteacher"), (31L, "manager")], user.Roles.Select(r => (r.CourseId, r.Role)));
    }

    [Fact]
    public async Task Students_and_other_roles_are_never_stored()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Course(CourseCreated, 32, "Art", "ART"),
            Assign(32, 71, "student", "pupil"),
            Assign(32, 72, "guest", "visitor"),
            _bridge.Event(UserUpdated, new { userId = 71, username = "pupil", email = "new@example.edu", firstName = "P", lastName = "Q" }));
        Assert.Empty(mirror.Users);
    }

    [Fact]
    public async Task Unassigning_the_last_teacher_role_removes_the_user()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Assign(33, 73, "editingteacher"),
            Assign(34, 73, "editingteacher"),
            _bridge.Event(RoleUnassigned, new { courseId = 33, userId = 73, roleShortName = "editingteacher" }));
        Assert.Equal(34, Assert.Single(Assert.Single(mirror.Users).Roles).CourseId);

        mirror = await fixture.PublishAndExportAsync(Site,
            _bridge.Event(RoleUnassigned, new { courseId = 34, userId = 73, roleShortName = "editingteacher" }));
        Assert.Empty(mirror.Users);
    }

    [Fact]
    public async Task User_updated_changes_a_kept_users_profile()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Assign(35, 74, "editingteacher", "alan", "alan@example.edu"),
            _bridge.Event(UserUpdated, new { userId = 74, username = "aturing", email = "turing@example.edu", firstName = "Alan", lastName = "Turing" }));
        var user = Assert.Single(mirror.Users);
        Assert.Equal(("aturing", "turing@example.edu", "Alan", "Turing"), (user.Username, user.Email, user.FirstName, user.LastName));
    }

    [Fact]
    public async Task User_deleted_removes_the_user_and_their_roles()
    {
        var mirror = await fixture.PublishAndExportAsync(Site,
            Assign(36, 75, "editingteacher", "gone"),
            Assign(36, 76, "editingteacher", "stays"),
            _bridge.Event(UserDeleted, new { userId = 75 }));
        Assert.Equal("stays", Assert.Single(mirror.Users).Username);
    }

    [Fact]
    public async Task Quiz_question_list_is_reconciled_added_renamed_removed()
    {
        var first = await fixture.PublishAndExportAsync(Site,
            Module(CourseModuleCreated, 40, 401, "quiz", 44, "Final"),
            Questions(40, 44, 401, (1, "Derivative of x²"), (2, "Integral of 1/x"), (3, "Limit of sin x / x")));
        Assert.Equal(3, first.QuizQuestions.Count);

        var second = await fixture.PublishAndExportAsync(Site,
            Questions(40, 44, 401, (1, "Derivative of x³"), (3, "Limit of sin x / x"), (4, "Taylor series of eˣ")));
        Assert.Equal([(1L, "Derivative of x³"), (3L, "Limit of sin x / x"), (4L, "Taylor series of eˣ")],
            second.QuizQuestions.Select(q => (q.QuestionId, q.Name)));
        Assert.All(second.QuizQuestions, q => Assert.Equal((40L, 44L), (q.CourseId, q.QuizId)));
    }

    [Fact]
    public async Task Redelivered_and_reordered_events_end_in_the_same_mirror()
    {
        var create = Module(CourseModuleCreated, 50, 501, "assign", 1, "Draft");
        var rename = Module(CourseModuleUpdated, 50, 501, "assign", 1, "Final");
        var mirror = await fixture.PublishAndExportAsync(Site, rename, create, rename, create);
        Assert.Equal("Final", Assert.Single(mirror.Modules).Name);
    }
}
