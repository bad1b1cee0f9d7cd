using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror.Snapshots;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// Reads a course back from a configured site's web services, with that site's token, through
/// <see cref="MoodleWebServiceCaller"/> (the one way to call Moodle), paced per site by
/// <see cref="SitePacer"/>. Every call asks for raw values (moodlewssettingraw=1): the bridge sends
/// raw database values, so formatted names (entities escaped, filters applied) would differ.
/// A course becomes a snapshot only when every read succeeded and showed the whole course; any
/// failure throws before anything is applied, so no course is ever half-applied.
/// Every text read is cleaned to the contract's text rules (<see cref="MoodleTextCleaning"/>), with
/// one warning per course that names what was cleaned.
/// Quiz question lists are read only when the token's service includes the bridge plugin's
/// <see cref="MoodleReadFunctions.QuizQuestions"/> (site info, read once per site and kept).
/// Failures: <see cref="MoodleRejectedException"/> (the token or the service refused: fix the
/// settings), <see cref="MoodleUnavailableException"/> (down, slow, not JSON, unreadable: try again later).
/// </summary>
public sealed class MoodleCourseReader(MoodleWebServiceCaller caller, SitePacer pacer, ReconcileOptions options, CourseContentScope scope, TimeProvider clock, ILogger<MoodleCourseReader> logger)
{
    /// <summary>What core_webservice_get_site_info says about the token; <see cref="ReadsQuizLists"/>: its service includes <see cref="MoodleReadFunctions.QuizQuestions"/>.</summary>
    public sealed record SiteCheck(string SiteName, string Username, IReadOnlyList<string> MissingFunctions, bool ReadsQuizLists);

    /// <summary>Whether each site's token may list quizzes' questions, from its first site check.</summary>
    private readonly ConcurrentDictionary<string, bool> _readsQuizLists = new(StringComparer.Ordinal);

    /// <summary>Checks the token and lists the read functions the site's web service does not let it call.</summary>
    public async Task<SiteCheck> CheckSiteAsync(MoodleSite site, CancellationToken ct)
    {
        using var info = await CallAsync(site, MoodleReadFunctions.SiteInfo, [], ct);
        var root = info.RootElement;
        var functions = root.TryGetProperty("functions", out var f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray().Select(x => x.TryGetProperty("name", out var n) ? n.GetString() : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var clean = new MoodleTextCleaning();
        var readsQuizLists = _readsQuizLists[site.Url] = functions.Contains(MoodleReadFunctions.QuizQuestions);
        return new SiteCheck(clean.Text(String(root, "sitename") ?? "", "sitename"), clean.Text(String(root, "username") ?? "", "username"),
            MoodleReadFunctions.All.Where(fn => !functions.Contains(fn)).ToList(), readsQuizLists);
    }

    /// <summary>Every course of the site, by id, without the site course (id 1, format "site"), which is not a course of the mirror.</summary>
    public async Task<IReadOnlyList<long>> ListCourseIdsAsync(MoodleSite site, CancellationToken ct)
    {
        using var answer = await CallAsync(site, MoodleReadFunctions.CoursesByField, [], ct);
        return Courses(site, answer.RootElement)
            .Where(c => !IsSiteCourse(c))
            .Select(c => Int64(c, "id")!.Value)
            .Order()
            .ToList();
    }

    /// <summary>Reads one course: its names, its modules, its enrolled users with their roles, its quizzes' question lists when the token may, in that order.</summary>
    public async Task<CourseRead> ReadCourseAsync(MoodleSite site, long courseId, CancellationToken ct)
    {
        var takenAt = SnapshotVersion.TakenAt(clock.GetUtcNow(), options.SafetyMargin);
        var id = courseId.ToString(CultureInfo.InvariantCulture);

        using var byField = await CallAsync(site, MoodleReadFunctions.CoursesByField, [new("field", "id"), new("value", id)], ct);
        var course = Courses(site, byField.RootElement).FirstOrDefault(c => Int64(c, "id") == courseId);
        if (course.ValueKind == JsonValueKind.Object && IsSiteCourse(course))
        {
            return new CourseRead.Refused(site.Url, courseId, $"course {courseId} is the site's front page (format \"site\"), not a course of the mirror");
        }

        // The contents tell a course that does not exist (invalidrecord) from one the token may not enter.
        JsonDocument contents;
        try
        {
            contents = await CallAsync(site, MoodleReadFunctions.CourseContents,
                [new("courseid", id), new("options[0][name]", "excludecontents"), new("options[0][value]", "1")], ct);
        }
        catch (MoodleUnavailableException ex) when (MoodleReadFunctions.IsMissingRecord(ex.ErrorCode))
        {
            return new CourseRead.Gone(site.Url, courseId, takenAt, $"Moodle at {site.Url} has no course {courseId} ({ex.ErrorCode})");
        }
        catch (Exception ex) when (CourseRefusal(ex) is { } code)
        {
            return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} does not let the token's user see course {courseId} ({code})");
        }

        using (contents)
        {
            if (course.ValueKind != JsonValueKind.Object)
            {
                return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} does not list course {courseId} to the token's user (hidden from it)");
            }

            if (!course.TryGetProperty("format", out _))
            {
                return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} shows only the public information of course {courseId} to the token's user (it cannot enter the course)");
            }

            if (contents.RootElement.ValueKind != JsonValueKind.Array || contents.RootElement.GetArrayLength() == 0)
            {
                return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} shows no sections of course {courseId} (a hidden course the token's user may not see)");
            }

            var clean = new MoodleTextCleaning();
            var modules = scope.Keep(Modules(site, contents.RootElement, clean));
            List<SnapshotUser> users;
            try
            {
                users = await EnrolledUsersAsync(site, id, clean, ct);
            }
            catch (Exception ex) when (CourseRefusal(ex) is { } code)
            {
                return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} does not let the token's user list the participants of course {courseId} ({code})");
            }

            List<SnapshotQuiz>? quizzes = null;
            if (_readsQuizLists.TryGetValue(site.Url, out var may) ? may : (await CheckSiteAsync(site, ct)).ReadsQuizLists)
            {
                try
                {
                    quizzes = await QuizListsAsync(site, id, clean, ct);
                }
                catch (Exception ex) when (CourseRefusal(ex) is { } code)
                {
                    return new CourseRead.Refused(site.Url, courseId, $"Moodle at {site.Url} does not let the token's user list the quiz questions of course {courseId} ({code})");
                }
            }

            var snapshot = new CourseSnapshot(site.Url, courseId, takenAt,
                clean.Text(String(course, "fullname") ?? "", "course fullname"), clean.Text(String(course, "shortname") ?? "", "course shortname"), modules, users, quizzes);
            if (clean.Cleaned.Count > 0)
            {
                logger.LogWarning("Course {CourseId} of {Site}: Moodle answered text the contract does not accept; characters a name may not hold were dropped and links that are not plain http(s) addresses left out, in {Fields}",
                    courseId, site.Url, string.Join(", ", clean.Cleaned.Take(20)) + (clean.Cleaned.Count > 20 ? $" and {clean.Cleaned.Count - 20} more" : ""));
            }

            return new CourseRead.Complete(snapshot);
        }
    }

    private async Task<List<SnapshotUser>> EnrolledUsersAsync(MoodleSite site, string courseId, MoodleTextCleaning clean, CancellationToken ct)
    {
        var users = new List<SnapshotUser>();
        for (var from = 0; ; from += options.PageSize)
        {
            using var page = await CallAsync(site, MoodleReadFunctions.EnrolledUsers,
            [
                new("courseid", courseId),
                new("options[0][name]", "limitfrom"), new("options[0][value]", from.ToString(CultureInfo.InvariantCulture)),
                new("options[1][name]", "limitnumber"), new("options[1][value]", options.PageSize.ToString(CultureInfo.InvariantCulture)),
                new("options[2][name]", "userfields"), new("options[2][value]", "id,username,firstname,lastname,email,roles"),
                new("options[3][name]", "sortby"), new("options[3][value]", "id"),
            ], ct);
            if (page.RootElement.ValueKind != JsonValueKind.Array) throw NotExpected(site, MoodleReadFunctions.EnrolledUsers, "a list of users");
            foreach (var u in page.RootElement.EnumerateArray())
            {
                var userId = Int64(u, "id") ?? throw NotExpected(site, MoodleReadFunctions.EnrolledUsers, "users with an id");
                var who = "user " + userId.ToString(CultureInfo.InvariantCulture);
                var roles = u.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Select(x => clean.Text(String(x, "shortname"), () => who + " role")).OfType<string>().ToList()
                    : [];
                users.Add(new SnapshotUser(userId,
                    clean.Text(String(u, "username") ?? "", who + " username"), clean.Text(String(u, "email") ?? "", who + " email"),
                    clean.Text(String(u, "firstname") ?? "", who + " firstname"), clean.Text(String(u, "lastname") ?? "", who + " lastname"), roles));
            }

            if (page.RootElement.GetArrayLength() < options.PageSize) return users;
        }
    }

    /// <summary>The bridge plugin's answer: {quizzes: [{quizid, cmid, questions: [{questionid, name}]}], warnings}, names raw.</summary>
    private async Task<List<SnapshotQuiz>> QuizListsAsync(MoodleSite site, string courseId, MoodleTextCleaning clean, CancellationToken ct)
    {
        using var answer = await CallAsync(site, MoodleReadFunctions.QuizQuestions, [new("courseid", courseId)], ct);
        if (answer.RootElement.ValueKind != JsonValueKind.Object || !answer.RootElement.TryGetProperty("quizzes", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw NotExpected(site, MoodleReadFunctions.QuizQuestions, "an object with a list of quizzes");
        }

        var quizzes = new List<SnapshotQuiz>();
        foreach (var q in list.EnumerateArray())
        {
            var quizId = Int64(q, "quizid") ?? throw NotExpected(site, MoodleReadFunctions.QuizQuestions, "quizzes with a quizid");
            var cmId = Int64(q, "cmid") ?? throw NotExpected(site, MoodleReadFunctions.QuizQuestions, "quizzes with a cmid");
            if (!q.TryGetProperty("questions", out var questions) || questions.ValueKind != JsonValueKind.Array)
            {
                throw NotExpected(site, MoodleReadFunctions.QuizQuestions, "quizzes with a list of questions");
            }

            quizzes.Add(new SnapshotQuiz(quizId, cmId, questions.EnumerateArray().Select(x =>
            {
                var questionId = Int64(x, "questionid") ?? throw NotExpected(site, MoodleReadFunctions.QuizQuestions, "questions with a questionid");
                return new QuizQuestionData(questionId, clean.Text(String(x, "name") ?? "", $"quiz {quizId} question {questionId} name"));
            }).ToList()));
        }

        return quizzes;
    }

    /// <summary>
    /// The modules of every section. Delegated sections (Moodle 4.5's subsections: component
    /// "mod_subsection", itemid the subsection's instance) are sections of the answer like any other,
    /// so their modules are read, never taken for gone; the subsection module itself, listed in its
    /// parent section, is a module as its course_module_created event makes it (a resource of type
    /// subsection). Modules that are not course content (Sync:ExcludedModules, qbank) are dropped
    /// afterwards by <see cref="CourseContentScope.Keep"/>, the agents' own list.
    /// </summary>
    private static List<SnapshotModule> Modules(MoodleSite site, JsonElement sections, MoodleTextCleaning clean)
    {
        var modules = new List<SnapshotModule>();
        foreach (var section in sections.EnumerateArray())
        {
            if (!section.TryGetProperty("modules", out var list) || list.ValueKind != JsonValueKind.Array) continue;
            foreach (var m in list.EnumerateArray())
            {
                var cmId = Int64(m, "id") ?? throw NotExpected(site, MoodleReadFunctions.CourseContents, "modules with an id");
                var which = "module " + cmId.ToString(CultureInfo.InvariantCulture);
                modules.Add(new SnapshotModule(
                    cmId,
                    clean.Text(String(m, "modname") ?? throw NotExpected(site, MoodleReadFunctions.CourseContents, "modules with a modname"), which + " modname"),
                    Int64(m, "instance") ?? 0,
                    clean.Text(String(m, "name") ?? "", which + " name"),
                    clean.Link(String(m, "url"), which + " url")));
            }
        }

        return modules;
    }

    private static List<JsonElement> Courses(MoodleSite site, JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("courses", out var courses) && courses.ValueKind == JsonValueKind.Array
            ? courses.EnumerateArray().Where(c => Int64(c, "id") is not null).ToList()
            : throw NotExpected(site, MoodleReadFunctions.CoursesByField, "an object with a list of courses");

    private static bool IsSiteCourse(JsonElement course) => Int64(course, "id") == 1 || String(course, "format") == "site";

    /// <summary>Moodle's codes for "this course is not yours to see", which make the course refused rather than the whole run.</summary>
    private static string? CourseRefusal(Exception ex) => ex switch
    {
        MoodleUnavailableException { ErrorCode: "errorcoursecontextnotvalid" or "requireloginerror" } u => u.ErrorCode,
        MoodleRejectedException { ErrorCode: "nopermissions" or "requireloginerror" } r => r.ErrorCode,
        _ => null,
    };

    /// <summary>One paced call whose answer must be JSON; a web service error object has already become an exception.</summary>
    private async Task<JsonDocument> CallAsync(MoodleSite site, string function, List<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        await pacer.CallAsync(site.Url, ct);
        parameters.Add(new("moodlewssettingraw", "1"));
        string body;
        try
        {
            body = await caller.CallAsync(site, function, parameters, ct);
        }
        catch (MoodleUnreadableAnswerException ex)
        {
            // Reading changes nothing in Moodle: an answer that cannot be read is tried again later.
            throw new MoodleUnavailableException(ex.Message);
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // A maintenance page, a proxy's error page, XML: Moodle is not answering as its web service.
            var start = MoodleWebServiceCaller.QuoteStart(site, body);
            throw new MoodleUnavailableException($"Moodle at {site.Url} answered {function} with something that is not JSON (it starts \"{start}\"); is the site in maintenance mode?");
        }
    }

    private static MoodleUnavailableException NotExpected(MoodleSite site, string function, string expected) =>
        new($"Moodle at {site.Url} answered {function} with JSON that is not {expected}");

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int64(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;
}
