using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using static Mofa.Sync.Tests.Notifications.FakeMoodleServer;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>
/// The content of a fake Moodle site and its answers to the read functions, in the JSON shapes of
/// Moodle's own web service definitions (course/externallib.php, enrol/externallib.php,
/// webservice/externallib.php): core_webservice_get_site_info, core_course_get_courses_by_field
/// (with the site course, id 1, format "site", when asked for all), core_course_get_contents
/// (sections with modules; a label has no url), core_enrol_get_enrolled_users (paged with
/// limitfrom/limitnumber, roles[] with an empty name for the default roles), and the bridge plugin's
/// optional local_mofabridge_get_quiz_questions (docs/bridge-example, when in <see cref="Functions"/>).
/// Moodle 5.0's shapes: every section carries component and itemid (null for a normal section); a
/// qbank module sits hidden in section 0 (question/classes/local/bank/question_bank_helper.php,
/// create_default_open_instance: section 0, visible 0), listed to a token that may see hidden
/// activities, as core_course_get_contents lists every module the user can see; a subsection
/// (Moodle 4.5's mod_subsection) is a module of its parent section whose own modules are in its
/// delegated section, listed after the normal sections with component "mod_subsection" and
/// itemid the subsection's instance id (the Moodle app pairs them the same way). Errors are Moodle's:
/// HTTP 200 with {exception, errorcode, message}. Names are formatted (the "&amp;" of format_string)
/// unless the call asks for raw values, and a call without moodlewsrestformat gets XML, as Moodle does.
/// Plug it in with <c>server.Answer = site.Answer</c>; the HTTP plumbing stays the server's.
/// </summary>
public sealed class FakeMoodleSite
{
    public const string Token = "reconcile-token-5f2c";

    /// <summary>The bridge plugin's function (docs/bridge-example/db/services.php); a site's service may include it.</summary>
    public const string QuizQuestionsFunction = "local_mofabridge_get_quiz_questions";

    private static readonly Dictionary<string, int> RoleIds = new(StringComparer.Ordinal)
    {
        ["manager"] = 1, ["coursecreator"] = 2, ["editingteacher"] = 3, ["teacher"] = 4, ["student"] = 5,
    };

    public ConcurrentDictionary<long, FakeCourse> Courses { get; } = new();

    /// <summary>The functions the token's service includes (core_webservice_get_site_info lists them).</summary>
    public HashSet<string> Functions { get; } = new(StringComparer.Ordinal)
    {
        "core_webservice_get_site_info", "core_course_get_courses_by_field", "core_course_get_contents", "core_enrol_get_enrolled_users",
        "core_message_send_instant_messages",
    };

    /// <summary>When set and answering non-null, replaces the normal answer (Moodle down, slow, not JSON…).</summary>
    public Func<Call, Reply?>? Fault { get; set; }

    public sealed class FakeCourse(long id, string fullName, string shortName)
    {
        public long Id { get; } = id;
        public string FullName { get; set; } = fullName;
        public string ShortName { get; set; } = shortName;

        /// <summary>The token's user may not enter the course (errorcoursecontextnotvalid; public information only).</summary>
        public bool Refused { get; set; }

        public List<FakeModule> Modules { get; } = [];
        public List<FakeUser> Users { get; } = [];

        /// <summary>The modules of each subsection's delegated section, by the subsection's instance id.</summary>
        public Dictionary<long, List<FakeModule>> Delegated { get; } = [];

        /// <summary>Each quiz's fixed questions as the bridge plugin lists them, by quiz id (instance).</summary>
        public Dictionary<long, FakeQuizList> QuizLists { get; } = [];

        /// <summary>Adds a subsection module to the course's sections and <paramref name="modules"/> to its delegated section.</summary>
        public FakeModule AddSubsection(long cmId, long instance, string name, params FakeModule[] modules)
        {
            var subsection = new FakeModule(cmId, "subsection", instance, name);
            Modules.Add(subsection);
            Delegated[instance] = [.. modules];
            return subsection;
        }

        /// <summary>Every module of the course, those of delegated sections included.</summary>
        public IEnumerable<FakeModule> AllModules => Modules.Concat(Delegated.Values.SelectMany(m => m));
    }

    /// <summary>A quiz's list as local_mofabridge_get_quiz_questions answers it.</summary>
    public sealed record FakeQuizList(long QuizId, long CmId, List<(long QuestionId, string Name)> Questions);

    /// <summary>A course module; <paramref name="Url"/> overrides the default link (and gives a label one).</summary>
    public sealed record FakeModule(long CmId, string ModName, long Instance, string Name, string? Url = null);

    public sealed record FakeUser(long Id, string Username, string FirstName, string LastName, string Email, params string[] Roles);

    public Reply Answer(Call call, int number)
    {
        if (Fault?.Invoke(call) is { } fault) return fault;
        if (call.Token != Token) return Error("moodle_exception", "invalidtoken", "Invalid token - token not found");
        if (call.Format != "json") return new Reply(200, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n</RESPONSE>\n");
        if (call.Function is null || !Functions.Contains(call.Function))
        {
            return Error("webservice_access_exception", "accessexception", "Access control exception");
        }

        return call.Function switch
        {
            "core_webservice_get_site_info" => Reply.SiteInfo(Functions),
            "core_course_get_courses_by_field" => CoursesByField(call),
            "core_course_get_contents" => Contents(call),
            "core_enrol_get_enrolled_users" => EnrolledUsers(call),
            "core_message_send_instant_messages" => Reply.Success(call),
            QuizQuestionsFunction => QuizQuestions(call),
            _ => Error("moodle_exception", "invalidrecord", "Can't find data record in database table external_functions."),
        };
    }

    private Reply CoursesByField(Call call)
    {
        var field = call.Form.GetValueOrDefault("field", "");
        IEnumerable<object> courses;
        if (field == "")
        {
            courses = Courses.Values.OrderBy(c => c.Id).Select(c => CourseJson(call, c)).Prepend(SiteCourse());
        }
        else if (field == "id")
        {
            var id = long.Parse(call.Form["value"], CultureInfo.InvariantCulture);
            courses = id == 1 ? [SiteCourse()] : Courses.TryGetValue(id, out var c) ? [CourseJson(call, c)] : [];
        }
        else
        {
            return Error("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected (Invalid field name)");
        }

        return Json(new { courses, warnings = Array.Empty<object>() });
    }

    private object CourseJson(Call call, FakeCourse c)
    {
        var fullName = Formatted(call, c.FullName);
        var shortName = Formatted(call, c.ShortName);
        var common = new Dictionary<string, object?>
        {
            ["id"] = c.Id, ["fullname"] = fullName, ["displayname"] = fullName, ["shortname"] = shortName, ["categoryid"] = 1,
            ["categoryname"] = "Category 1", ["sortorder"] = 10000 + c.Id, ["summary"] = "", ["summaryformat"] = 1,
            ["summaryfiles"] = Array.Empty<object>(), ["overviewfiles"] = Array.Empty<object>(), ["showactivitydates"] = true,
            ["showcompletionconditions"] = true, ["contacts"] = Array.Empty<object>(), ["enrollmentmethods"] = new[] { "manual" },
        };
        if (c.Refused) return common; // the public information only, as for a course the user cannot enter
        foreach (var (k, v) in new Dictionary<string, object?>
                 {
                     ["format"] = "topics", ["showgrades"] = 1, ["newsitems"] = 5, ["startdate"] = 1_767_225_600, ["enddate"] = 0, ["maxbytes"] = 0,
                     ["showreports"] = 0, ["visible"] = 1, ["groupmode"] = 0, ["groupmodeforce"] = 0, ["defaultgroupingid"] = 0,
                     ["enablecompletion"] = 1, ["completionnotify"] = 0, ["lang"] = "", ["theme"] = "", ["marker"] = 0,
                     ["filters"] = Array.Empty<object>(), ["courseformatoptions"] = new[] { new { name = "hiddensections", value = 1 } },
                 })
        {
            common[k] = v;
        }

        return common;
    }

    private static Dictionary<string, object?> SiteCourse() => new()
    {
        ["id"] = 1, ["fullname"] = "Fake Moodle", ["displayname"] = "Fake Moodle", ["shortname"] = "fake", ["categoryid"] = 0,
        ["sortorder"] = 1, ["summary"] = "", ["summaryformat"] = 1, ["format"] = "site", ["visible"] = 1,
    };

    private Reply Contents(Call call)
    {
        if (Course(call) is not { } course) return Missing();
        if (course.Refused) return NotInCourse(course.Id);
        // The question banks in section 0, hidden; the other modules spread over sections 0 to 2.
        var placed = course.Modules.Where(m => m.ModName != "qbank").Select((m, i) => (Module: m, Section: i % 3))
            .Concat(course.Modules.Where(m => m.ModName == "qbank").Select(m => (Module: m, Section: 0)));
        var bySection = placed.ToLookup(x => x.Section);
        var normal = Math.Clamp(course.Modules.Count(m => m.ModName != "qbank"), 1, 3);
        var sections = Enumerable.Range(0, normal)
            .Select(n => Section(100 + n, n == 0 ? "General" : $"Topic {n}", n, null, null, bySection[n].Select(x => ModuleJson(call, x.Module))))
            .ToList();
        // Delegated sections come after the normal ones (course_modinfo numbers them last).
        var next = sections.Count;
        foreach (var subsection in course.Modules.Where(m => m.ModName == "subsection"))
        {
            var modules = course.Delegated.GetValueOrDefault(subsection.Instance) ?? [];
            sections.Add(Section(200 + next, Formatted(call, subsection.Name), next, "mod_subsection", subsection.Instance, modules.Select(m => ModuleJson(call, m))));
            next++;
        }

        return Json(sections);
    }

    /// <summary>A section as Moodle 5.0 returns it, with the delegate's component and itemid (null for a normal section).</summary>
    private static Dictionary<string, object?> Section(long id, string name, int number, string? component, long? itemId, IEnumerable<Dictionary<string, object?>> modules) => new()
    {
        ["id"] = id, ["name"] = name, ["visible"] = 1, ["summary"] = "", ["summaryformat"] = 1, ["section"] = number,
        ["hiddenbynumsections"] = 0, ["uservisible"] = true, ["modules"] = modules.ToList(), ["component"] = component, ["itemid"] = itemId,
    };

    /// <summary>local_mofabridge_get_quiz_questions: every quiz of the course with its fixed questions, raw names.</summary>
    private Reply QuizQuestions(Call call)
    {
        if (Course(call) is not { } course) return Missing();
        if (course.Refused) return NotInCourse(course.Id);
        return Json(new
        {
            quizzes = course.QuizLists.Values.OrderBy(q => q.QuizId).Select(q => new
            {
                quizid = q.QuizId, cmid = q.CmId, questions = q.Questions.Select(x => new { questionid = x.QuestionId, name = x.Name }),
            }),
            warnings = Array.Empty<object>(),
        });
    }

    private Dictionary<string, object?> ModuleJson(Call call, FakeModule m)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = m.CmId, ["name"] = Formatted(call, m.Name), ["instance"] = m.Instance, ["contextid"] = 1000 + m.CmId,
            ["modname"] = m.ModName, ["modplural"] = m.ModName + "s", ["modicon"] = $"http://fake/theme/image.php/boost/{m.ModName}/1/monologo",
            ["indent"] = 0, ["onclick"] = "", ["afterlink"] = null, ["customdata"] = "\"\"", ["completion"] = 0, ["downloadcontent"] = 1,
            ["noviewlink"] = m.ModName == "label", ["dates"] = Array.Empty<object>(), ["groupmode"] = 0,
            ["visible"] = m.ModName == "qbank" ? 0 : 1, ["visibleoncoursepage"] = 1, ["uservisible"] = true,
        };
        // Labels have no url (course/externallib.php: "labels don't have url").
        if (m.Url is not null) json["url"] = m.Url;
        else if (m.ModName != "label") json["url"] = $"{BaseUrl}/mod/{m.ModName}/view.php?id={m.CmId}";
        return json;
    }

    /// <summary>The wwwroot the module urls are built from (the server's).</summary>
    public string BaseUrl { get; set; } = "http://fake";

    private Reply EnrolledUsers(Call call)
    {
        if (Course(call) is not { } course) return Missing();
        if (course.Refused) return NotInCourse(course.Id);
        var options = Options(call);
        var from = int.Parse(options.GetValueOrDefault("limitfrom", "0"), CultureInfo.InvariantCulture);
        var number = int.Parse(options.GetValueOrDefault("limitnumber", "0"), CultureInfo.InvariantCulture);
        var fields = options.TryGetValue("userfields", out var f) ? f.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null;
        IEnumerable<FakeUser> users = course.Users.OrderBy(u => u.Id).Skip(from);
        if (number > 0) users = users.Take(number);
        return Json(users.Select(u =>
        {
            var all = new Dictionary<string, object?>
            {
                ["id"] = u.Id, ["username"] = u.Username, ["firstname"] = Formatted(call, u.FirstName), ["lastname"] = Formatted(call, u.LastName),
                ["fullname"] = $"{u.FirstName} {u.LastName}", ["email"] = u.Email, ["department"] = "", ["firstaccess"] = 0, ["lastaccess"] = 0,
                ["lastcourseaccess"] = 0, ["description"] = "", ["descriptionformat"] = 1,
                ["profileimageurlsmall"] = "http://fake/theme/image.php/boost/core/1/u/f2", ["profileimageurl"] = "http://fake/theme/image.php/boost/core/1/u/f1",
                ["roles"] = u.Roles.Select(r => new { roleid = RoleIds.GetValueOrDefault(r, 9), name = "", shortname = r, sortorder = 0 }),
                ["enrolledcourses"] = new[] { new { id = course.Id, fullname = course.FullName, shortname = course.ShortName } },
            };
            return fields is null ? all : all.Where(kv => kv.Key is "id" or "fullname" || fields.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        }));
    }

    private FakeCourse? Course(Call call) =>
        Courses.GetValueOrDefault(long.Parse(call.Form.GetValueOrDefault("courseid", "0"), CultureInfo.InvariantCulture));

    /// <summary>options[n][name] / options[n][value] as a dictionary.</summary>
    private static Dictionary<string, string> Options(Call call)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; call.Form.TryGetValue($"options[{i}][name]", out var name); i++) options[name] = call.Form.GetValueOrDefault($"options[{i}][value]", "");
        return options;
    }

    /// <summary>What format_string does to a name when the call does not ask for raw values.</summary>
    private static string Formatted(Call call, string value) =>
        call.Form.GetValueOrDefault("moodlewssettingraw") == "1" ? value : WebUtility.HtmlEncode(value);

    private static Reply Missing() =>
        Error("dml_missing_record_exception", "invalidrecordunknown", "Can't find data record in database.");

    private static Reply NotInCourse(long courseId) =>
        Error("moodle_exception", "errorcoursecontextnotvalid",
            $"You cannot execute functions in the course context (course id:{courseId}). The context error message was: Course or activity not accessible. (Not enrolled)");

    public static Reply Error(string exception, string errorCode, string message) =>
        new(200, JsonSerializer.Serialize(new { exception, errorcode = errorCode, message }));

    private static Reply Json(object value) => new(200, JsonSerializer.Serialize(value));
}
