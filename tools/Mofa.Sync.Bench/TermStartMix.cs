using System.Text.Json;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Bench;

/// <summary>
/// A seeded stream of the bridge messages a term start produces: mostly module creates and
/// updates, some courses, role assignments (most of them students, which the sync ignores), quiz
/// question lists and a few profile updates. The same seed gives the same bytes; a stream goes on
/// where it stopped (later sequence numbers), so the latency phase sends newer versions of the
/// backlog's documents.
/// </summary>
public sealed class TermStartMix
{
    public const string Site = "https://moodle.bench.example.edu";

    // Cumulative shares, in percent, of each kind of message.
    private const int ModuleCreated = 30, ModuleUpdated = 60, CourseCreated = 63, CourseUpdated = 66,
        RoleAssigned = 90, QuizQuestions = 98; // the rest: user_updated

    /// <summary>Of the role assignments, this share (percent) is a teacher role; the rest are students.</summary>
    private const int TeacherSharePercent = 12;

    private static readonly string[] ModuleNames = ["assign", "assign", "quiz", "quiz", "resource", "page", "url", "forum", "choice", "folder"];
    private static readonly string[] Subjects = ["Programming", "Linear Algebra", "Academic Writing", "Organic Chemistry", "Microeconomics", "Statistics", "World History", "Databases"];

    private readonly Random _random;
    private readonly List<long> _courses = [];
    private readonly List<(long CourseId, long CmId, string ModuleName, long InstanceId)> _modules = [];
    private readonly List<int> _quizModules = [];
    private readonly List<long> _teachers = [];
    private readonly HashSet<string> _teacherRoles = [];
    private long _sequence = 50_000_000;
    private long _time = 1_788_163_920;
    private long _nextCmId = 10_000;
    private long _nextInstanceId = 5_000;
    private long _nextStudentId = 100_000;
    private int _generated;

    public TermStartMix(int seed) => _random = new Random(seed);

    /// <summary>Distinct courses, modules, quizzes with questions and teacher roles generated so far: what the mirror must hold.</summary>
    public MixTotals Totals => new(_courses.Count, _modules.Count, _quizzesWithQuestions.Count, _teacherRoles.Count);

    private readonly HashSet<long> _quizzesWithQuestions = [];

    public List<BenchMessage> Next(int count)
    {
        var messages = new List<BenchMessage>(count);
        for (var i = 0; i < count; i++) messages.Add(NextMessage());
        return messages;
    }

    private BenchMessage NextMessage()
    {
        var roll = _random.Next(100);
        if (_courses.Count < 3 || roll is >= ModuleUpdated and < CourseCreated) return Serialize(NewCourse(), writes: true);
        if (roll < ModuleCreated || _modules.Count == 0) return Serialize(NewModule(), writes: true);
        if (roll < ModuleUpdated) return Serialize(UpdatedModule(), writes: true);
        if (roll < CourseUpdated) return Serialize(UpdatedCourse(), writes: true);
        if (roll < RoleAssigned) return RoleAssignment();
        if (roll < QuizQuestions && _quizModules.Count > 0) return Serialize(QuizQuestionList(), writes: true);
        if (_teachers.Count > 0) return Serialize(ProfileUpdate(), writes: true);
        return Serialize(NewModule(), writes: true);
    }

    private CourseChanged NewCourse()
    {
        var courseId = 1_000 + _courses.Count;
        _courses.Add(courseId);
        var subject = Subjects[_random.Next(Subjects.Length)];
        return Course(courseId, $"{subject} {courseId % 7 + 1} (2026-27)", $"{subject[..3].ToUpperInvariant()}{courseId}-2026", BridgeRoutingKeys.CourseCreated);
    }

    private CourseChanged UpdatedCourse()
    {
        var courseId = _courses[_random.Next(_courses.Count)];
        var subject = Subjects[_random.Next(Subjects.Length)];
        return Course(courseId, $"{subject} {courseId % 7 + 1} (2026-27, revised)", $"C{courseId}-2026", BridgeRoutingKeys.CourseUpdated);
    }

    private CourseChanged Course(long courseId, string fullName, string shortName, string routingKey) => Envelope(new CourseChanged
    {
        SchemaVersion = 1, EventId = "", Site = Site, EventName = "", TimeCreated = 0, ActorId = 2,
        CourseId = courseId, FullName = fullName, ShortName = shortName,
    }, routingKey);

    private CourseModuleChanged NewModule()
    {
        var courseId = _courses[_random.Next(_courses.Count)];
        var moduleName = ModuleNames[_random.Next(ModuleNames.Length)];
        var module = (courseId, _nextCmId++, moduleName, _nextInstanceId++);
        if (moduleName == "quiz") _quizModules.Add(_modules.Count);
        _modules.Add(module);
        return ModuleEvent(module, $"Week {_random.Next(1, 15)}: {moduleName} {module.Item2}", BridgeRoutingKeys.CourseModuleCreated);
    }

    private CourseModuleChanged UpdatedModule()
    {
        var module = _modules[_random.Next(_modules.Count)];
        return ModuleEvent(module, $"Week {_random.Next(1, 15)}: {module.ModuleName} {module.CmId} (updated)", BridgeRoutingKeys.CourseModuleUpdated);
    }

    private CourseModuleChanged ModuleEvent((long CourseId, long CmId, string ModuleName, long InstanceId) m, string name, string routingKey) =>
        Envelope(new CourseModuleChanged
        {
            SchemaVersion = 1, EventId = "", Site = Site, EventName = "", TimeCreated = 0, ActorId = 3,
            CourseId = m.CourseId, CmId = m.CmId, ModuleName = m.ModuleName, InstanceId = m.InstanceId, Name = name,
        }, routingKey);

    private BenchMessage RoleAssignment()
    {
        var courseId = _courses[_random.Next(_courses.Count)];
        var teacher = _random.Next(100) < TeacherSharePercent;
        long userId;
        if (teacher)
        {
            userId = _teachers.Count > 0 && _random.Next(3) == 0 ? _teachers[_random.Next(_teachers.Count)] : 10 + _teachers.Count;
            if (!_teachers.Contains(userId)) _teachers.Add(userId);
        }
        else
        {
            userId = _nextStudentId++;
        }

        var role = teacher ? "editingteacher" : "student";
        if (teacher) _teacherRoles.Add($"{courseId}/{userId}");
        var e = Envelope(new RoleAssigned
        {
            SchemaVersion = 1, EventId = "", Site = Site, EventName = "", TimeCreated = 0, ActorId = 2,
            CourseId = courseId, UserId = userId, RoleShortName = role,
            User = new UserProfile { Username = $"u{userId}", Email = $"u{userId}@bench.example.edu", FirstName = "First" + userId % 97, LastName = "Last" + userId % 89 },
        }, BridgeRoutingKeys.RoleAssigned);
        return Serialize(e, writes: teacher);
    }

    private QuizQuestionsChanged QuizQuestionList()
    {
        var quiz = _modules[_quizModules[_random.Next(_quizModules.Count)]];
        _quizzesWithQuestions.Add(quiz.InstanceId);
        var questions = Enumerable.Range(0, _random.Next(5, 16))
            .Select(i => new QuizQuestion { QuestionId = quiz.InstanceId * 100 + i, Name = $"Question {i + 1} of quiz {quiz.InstanceId}" })
            .ToList();
        return Envelope(new QuizQuestionsChanged
        {
            SchemaVersion = 1, EventId = "", Site = Site, EventName = "", TimeCreated = 0, ActorId = 3,
            CourseId = quiz.CourseId, QuizId = quiz.InstanceId, QuizCmId = quiz.CmId, Questions = questions,
        }, BridgeRoutingKeys.QuizQuestionsChanged);
    }

    private UserUpdated ProfileUpdate()
    {
        var userId = _teachers[_random.Next(_teachers.Count)];
        return Envelope(new UserUpdated
        {
            SchemaVersion = 1, EventId = "", Site = Site, EventName = "", TimeCreated = 0, ActorId = userId,
            UserId = userId, Username = $"u{userId}", Email = $"u{userId}.{_random.Next(1000)}@bench.example.edu",
            FirstName = "First" + userId % 97, LastName = "Last" + userId % 89,
        }, BridgeRoutingKeys.UserUpdated);
    }

    /// <summary>Fills the envelope: a seeded event id, Moodle's event name, one second per few events, a rising sequence.</summary>
    private T Envelope<T>(T e, string routingKey) where T : MoodleEvent
    {
        _sequence += _random.Next(1, 20);
        if (_random.Next(4) == 0) _time++;
        Span<byte> id = stackalloc byte[16];
        _random.NextBytes(id);
        return e with
        {
            EventId = new Guid(id).ToString(),
            EventName = BridgeRoutingKeys.ToEventName(routingKey),
            TimeCreated = _time,
            Sequence = _sequence,
        };
    }

    private BenchMessage Serialize(MoodleEvent e, bool writes) =>
        new(_generated++, BridgeRoutingKeys.FromEventName(e.EventName)!, JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), BridgeJson.Options), e.EventId, writes);
}

/// <summary>What the mirror must hold once every generated message is applied.</summary>
public sealed record MixTotals(int Courses, int Modules, int QuizzesWithQuestions, int TeacherRoles);
