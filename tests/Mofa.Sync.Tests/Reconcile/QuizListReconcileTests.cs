using System.Text.Json;
using Mofa.Sync.Contracts.Envelope;
using Xunit;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>
/// Quiz question lists read back with the bridge plugin's local_mofabridge_get_quiz_questions
/// (docs/bridge-example), by `mofa-sync reconcile` against the fake Moodle and a SQLite mirror.
/// </summary>
public sealed class QuizListReconcileTests
{
    [Fact]
    public async Task A_renamed_question_and_a_missing_list_are_repaired_and_a_second_run_writes_nothing()
    {
        await using var world = new ReconcileWorld();
        world.Moodle.Functions.Add(FakeMoodleSite.QuizQuestionsFunction);
        var (course, first, second) = CourseWithTwoQuizzes(world);
        // The stream gave the first quiz's list; a question of it was then renamed in a shared bank
        // (no quiz event), and the second quiz's list never arrived.
        await world.ApplyEventsAsync(EventsFor(world, course, (7001, "What is a vector?"), (7002, "Dot product")));
        course.QuizLists[first.Instance] = new(first.Instance, first.CmId, [(7001, "What is a vector? (v2)"), (7002, "Dot product")]);
        course.QuizLists[second.Instance] = new(second.Instance, second.CmId, [(7003, "Cross product\u001b[31m")]);

        var run = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--json");

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Err}{run.Out}");
        var report = JsonDocument.Parse(run.Out).RootElement;
        Assert.True(report.GetProperty("quizListsRead").GetBoolean());
        var drift = report.GetProperty("courses")[0].GetProperty("drift");
        Assert.Equal(["quizzes"], drift.EnumerateObject().Select(p => p.Name));
        var quizzes = drift.GetProperty("quizzes");
        Assert.Equal((1, 0, 1), (quizzes.GetProperty("missing").GetInt32(), quizzes.GetProperty("extra").GetInt32(), quizzes.GetProperty("changed").GetInt32()));
        Assert.Equal(2, report.GetProperty("summary").GetProperty("written").GetInt32());
        // The escape sequence was cleaned out of the name, as every text read from Moodle.
        Assert.Equal([(first.Instance, 7001L, "What is a vector? (v2)"), (first.Instance, 7002L, "Dot product"), (second.Instance, 7003L, "Cross product[31m")],
            (await world.ExportAsync()).QuizQuestions.Select(q => (q.QuizId, q.QuestionId, q.Name)));
        Assert.Contains(world.Server.Calls, c => c.Function == FakeMoodleSite.QuizQuestionsFunction && c.Form["courseid"] == "42");

        var before = await world.ExportAsync(includeTombstones: true);
        var again = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--json");

        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}: {again.Err}{again.Out}");
        Assert.Equal(0, JsonDocument.Parse(again.Out).RootElement.GetProperty("summary").GetProperty("written").GetInt32());
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await world.ExportAsync(includeTombstones: true)));
    }

    [Fact]
    public async Task Without_the_function_in_the_tokens_service_quiz_lists_are_left_as_they_are_and_the_report_says_so()
    {
        await using var world = new ReconcileWorld();
        var (course, first, second) = CourseWithTwoQuizzes(world);
        await world.ApplyEventsAsync(EventsFor(world, course, (7001, "What is a vector?")));
        course.QuizLists[first.Instance] = new(first.Instance, first.CmId, [(7001, "Renamed, but not readable")]);
        course.QuizLists[second.Instance] = new(second.Instance, second.CmId, [(7003, "Cross product")]);
        var before = await world.ExportAsync(includeTombstones: true);

        var json = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42", "--json");
        var text = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42");

        Assert.True(json.ExitCode == 0, $"exit {json.ExitCode}: {json.Err}{json.Out}");
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("quizListsRead").GetBoolean());
        Assert.True(text.ExitCode == 0, $"exit {text.ExitCode}: {text.Err}{text.Out}");
        Assert.Contains("Quiz question lists were not read", text.Out);
        Assert.Contains(FakeMoodleSite.QuizQuestionsFunction, text.Out);
        Assert.DoesNotContain(world.Server.Calls, c => c.Function == FakeMoodleSite.QuizQuestionsFunction);
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await world.ExportAsync(includeTombstones: true)));
    }

    /// <summary>Course 42 with nine modules, two of them quizzes (cm 42001 and 42008).</summary>
    private static (FakeMoodleSite.FakeCourse Course, FakeMoodleSite.FakeModule First, FakeMoodleSite.FakeModule Second) CourseWithTwoQuizzes(ReconcileWorld world)
    {
        var course = world.AddCourse(42, modules: 9, teachers: 1, students: 1, fullName: "Vectors");
        var quizzes = course.Modules.Where(m => m.ModName == "quiz").ToList();
        Assert.Equal(2, quizzes.Count);
        return (course, quizzes[0], quizzes[1]);
    }

    /// <summary>The bridge's events for the course, with the first quiz's list as it was then.</summary>
    private static MoodleEvent[] EventsFor(ReconcileWorld world, FakeMoodleSite.FakeCourse course, params (long Id, string Name)[] firstQuizList)
    {
        var e = world.Events;
        var teacher = course.Users[0];
        var quiz = course.Modules.First(m => m.ModName == "quiz");
        return
        [
            e.CourseCreated(1, course.Id, course.FullName, course.ShortName),
            .. course.Modules.Select(m => e.ModuleCreated(2, course.Id, m.CmId, m.ModName, m.Instance, m.Name, $"{world.Site}/mod/{m.ModName}/view.php?id={m.CmId}")),
            e.RoleAssigned(3, course.Id, teacher.Id, "editingteacher", new Mofa.Sync.Contracts.Users.UserProfile { Username = teacher.Username, Email = teacher.Email, FirstName = teacher.FirstName, LastName = teacher.LastName }),
            e.QuizQuestions(4, course.Id, quiz.Instance, quiz.CmId, firstQuizList),
        ];
    }
}
