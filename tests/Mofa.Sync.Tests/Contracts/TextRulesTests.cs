using System.Text;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Store;
using Xunit;
using Keys = Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// Text fields are measured as Moodle's columns measure them (code points, not UTF-16 units), and
/// what Moodle can store passes: empty first and last names, an empty email.
/// </summary>
public sealed class TextRulesTests
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");

    // U+1F600: one code point, two UTF-16 units.
    private const string Emoji = "\U0001F600";

    private static ParsedBridgeMessage Parse(string routingKey, string body) => BridgeAgents.Parser.Parse(routingKey, Encoding.UTF8.GetBytes(body));

    private static string UserUpdatedBody(string username, string email, string first, string last) =>
        Bridge.Event(Keys.UserUpdated, new { userId = 7, username, email, firstName = first, lastName = last }).Body;

    private static string RoleAssignedBody(string username, string email, string first, string last) =>
        Bridge.Event(Keys.RoleAssigned, new { courseId = 3, userId = 7, roleShortName = "editingteacher", user = PhpBridge.Profile(username, email, first, last) }).Body;

    [Fact]
    public void Empty_first_name_last_name_and_email_are_accepted_as_Moodle_stores_them()
    {
        var updated = Assert.IsType<UserUpdated>(Parse(Keys.UserUpdated, UserUpdatedBody("ldap.user", "", "", "")).Event);
        Assert.Equal(("", "", ""), (updated.Email, updated.FirstName, updated.LastName));

        var assigned = Assert.IsType<RoleAssigned>(Parse(Keys.RoleAssigned, RoleAssignedBody("ldap.user", "", "", "")).Event);
        Assert.Equal(("", "", ""), (assigned.User.Email, assigned.User.FirstName, assigned.User.LastName));
    }

    [Fact]
    public async Task A_teacher_with_empty_names_and_email_is_mirrored()
    {
        var path = SqliteTestFile.NewPath("mofa-text-rules");
        try
        {
            await using var store = new SqliteMirrorStore(new SqliteStoreOptions { Path = path }, NullLogger<SqliteMirrorStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            var applier = new MirrorApplier(store, new HashSet<string> { "editingteacher" });
            var result = await applier.ApplyAnyAsync(Parse(Keys.RoleAssigned, RoleAssignedBody("ldap.user", "", "", "")).Event!, CancellationToken.None);
            Assert.Equal(ApplyOutcome.Applied, result.Outcome);

            var user = Assert.Single((await MirrorExport.ReadAsync(store, includeTombstones: false, CancellationToken.None)).Users);
            Assert.Equal(("ldap.user", "", "", ""), (user.Username, user.Email, user.FirstName, user.LastName));
            Assert.Equal(3, Assert.Single(user.Roles).CourseId);
        }
        finally
        {
            SqliteTestFile.Delete(path);
        }
    }

    [Fact]
    public void An_empty_username_is_still_rejected()
    {
        var updated = Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.UserUpdated, UserUpdatedBody("", "a@b.c", "A", "B")));
        Assert.Equal("core.user_updated: username must not be empty", updated.Message);

        var assigned = Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.RoleAssigned, RoleAssignedBody("", "a@b.c", "A", "B")));
        Assert.Equal("core.role_assigned: user.username must not be empty", assigned.Message);
    }

    [Fact]
    public void Limits_count_code_points_so_a_name_of_100_emoji_fits_a_100_character_column()
    {
        var hundred = string.Concat(Enumerable.Repeat(Emoji, 100));
        Assert.Equal(200, hundred.Length);
        Assert.IsType<UserUpdated>(Parse(Keys.UserUpdated, UserUpdatedBody("u", "", hundred, hundred)).Event);
        Assert.IsType<RoleAssigned>(Parse(Keys.RoleAssigned, RoleAssignedBody("u", "", hundred, hundred)).Event);

        var error = Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.UserUpdated, UserUpdatedBody("u", "", hundred + Emoji, "x")));
        Assert.Equal("core.user_updated: firstName must be at most 100 characters (got 101)", error.Message);

        var nested = Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.RoleAssigned, RoleAssignedBody("u", "", "x", hundred + Emoji)));
        Assert.Equal("core.role_assigned: user.lastName must be at most 100 characters (got 101)", nested.Message);
    }

    [Fact]
    public void Course_module_and_question_names_count_code_points_too()
    {
        var course = JsonNode.Parse(Bridge.Event(Keys.CourseCreated, new { courseId = 1, fullName = string.Concat(Enumerable.Repeat(Emoji, 254)), shortName = "S" }).Body)!.AsObject();
        Assert.NotNull(Parse(Keys.CourseCreated, course.ToJsonString()).Event);
        course["fullName"] = string.Concat(Enumerable.Repeat(Emoji, 255));
        Assert.Equal("core.course_created: fullName must be at most 254 characters (got 255)",
            Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.CourseCreated, course.ToJsonString())).Message);

        var quiz = Bridge.Event(Keys.QuizQuestionsChanged, new { courseId = 1, quizId = 2, quizCmId = 3, questions = new[] { new { questionId = 9, name = string.Concat(Enumerable.Repeat(Emoji, 256)) } } }).Body;
        Assert.Equal("mod_quiz.quiz_questions_changed: questions[0].name must be at most 255 characters (got 256)",
            Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.QuizQuestionsChanged, quiz)).Message);
    }

    [Fact]
    public void Fields_are_named_as_in_JSON_without_changing_FluentValidations_global_settings()
    {
        var quiz = Bridge.Event(Keys.QuizQuestionsChanged, new { courseId = 1, quizId = 2, quizCmId = 3, questions = new[] { new { questionId = 0, name = "Q" } } }).Body;
        Assert.Equal("mod_quiz.quiz_questions_changed: questions[0].questionId must be a positive Moodle id (got 0)",
            Assert.Throws<InvalidBridgeMessageException>(() => Parse(Keys.QuizQuestionsChanged, quiz)).Message);

        // The library's defaults: C#'s member name, and no display name of its own ("Quiz Cm Id").
        var member = typeof(QuizQuestionsChanged).GetProperty(nameof(QuizQuestionsChanged.QuizCmId));
        Assert.Equal("QuizCmId", ValidatorOptions.Global.PropertyNameResolver(typeof(QuizQuestionsChanged), member, null));
        Assert.Null(ValidatorOptions.Global.DisplayNameResolver(typeof(QuizQuestionsChanged), member, null));
    }

    [Fact]
    public void Code_points_are_counted_once_each_whatever_their_UTF16_length()
    {
        Assert.Equal(0, MoodleText.Length(""));
        Assert.Equal(3, MoodleText.Length("a" + Emoji + "é"));
        Assert.Equal(1, MoodleText.Length("\uD800"));
        Assert.True(MoodleText.Fits(Emoji + Emoji, 2));
        Assert.False(MoodleText.Fits(Emoji + Emoji + "x", 2));
    }
}
