using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Tests.Integration.Convergence;

/// <summary>
/// A seeded, reproducible history of bridge events over two sites: courses created, renamed and
/// one deleted; modules of every kind created, renamed and deleted; teachers and students
/// assigned and unassigned; profiles changed; a user deleted; quiz question lists edited. It is
/// realistic in that nothing happens to a thing after it was deleted, and it carries a sequence
/// (the log row id), so the in-order meaning of the history is well defined.
/// </summary>
public sealed class HistoryGenerator
{
    private static readonly string[] Sites = ["https://moodle.example.edu", "https://lms.example.org/moodle"];
    private static readonly string[] ModuleNames = ["assign", "quiz", "choice", "resource", "page", "url", "forum", "folder"];
    private static readonly string[] Roles = ["editingteacher", "manager", "student", "student", "student", "teacher"];

    private readonly Random _random;
    private readonly List<MoodleEvent> _events = [];
    private long _time = 1_788_000_000;
    private long _sequence;
    private long _nextCmId = 100;
    private long _nextInstanceId = 500;
    private long _nextQuestionId = 9000;
    private int _coursesDeleted;

    private readonly List<(string Site, long CourseId)> _courses = [];
    private readonly List<(string Site, long CourseId, long CmId, string ModuleName, long InstanceId)> _modules = [];
    private readonly Dictionary<(string Site, long QuizId), List<QuizQuestion>> _quizzes = [];
    private readonly List<(string Site, long UserId)> _users = [];
    // Lists, not hash sets: string hashes vary per process, and the history must follow from the seed alone.
    private readonly List<(string Site, long CourseId, long UserId, string Role)> _roles = [];

    public HistoryGenerator(int seed) => _random = new Random(seed);

    public IReadOnlyList<MoodleEvent> Generate(int count)
    {
        foreach (var site in Sites)
        {
            // From 2: course 1 is Moodle's front page, which the service leaves out (Mirror/CourseContentScope.cs).
            for (var c = 2; c <= 5; c++) CreateCourse(site, c);
            for (var u = 1; u <= 8; u++) _users.Add((site, u));
        }

        // A course that existed before the history began: only its children are seen (a placeholder).
        _courses.Add((Sites[0], 99));

        while (_events.Count < count)
        {
            var roll = _random.Next(100);
            if (roll < 30) CreateModule();
            else if (roll < 45) RenameModule();
            else if (roll < 50) DeleteModule();
            else if (roll < 65) AssignRole();
            else if (roll < 72) UnassignRole();
            else if (roll < 80) UpdateProfile();
            else if (roll < 88) ChangeQuizQuestions();
            else if (roll < 94) RenameCourse();
            else if (roll < 95 && _events.Count > count / 2) DeleteCourse();
            else if (roll < 96 && _events.Count > count / 2) DeleteUser();
        }

        return _events;
    }

    private T Stamp<T>(T e) where T : MoodleEvent
    {
        // Several events share a second; the sequence orders them.
        if (_random.Next(3) == 0) _time++;
        return e with { Sequence = ++_sequence, TimeCreated = _time };
    }

    private void Add(MoodleEvent e) => _events.Add(e);

    private EnvelopeValues Envelope(string site, string routingKey) => new(
        $"{_random.Next():x8}-{_events.Count:D6}", site, BridgeRoutingKeys.ToEventName(routingKey));

    private sealed record EnvelopeValues(string EventId, string Site, string EventName);

    private void CreateCourse(string site, long courseId)
    {
        var env = Envelope(site, BridgeRoutingKeys.CourseCreated);
        Add(Stamp(new CourseChanged
        {
            SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = courseId, FullName = $"Course {courseId} ({site[8..14]})", ShortName = $"C{courseId}",
        }));
        _courses.Add((site, courseId));
    }

    private void RenameCourse()
    {
        if (_courses.Count == 0) return;
        var (site, courseId) = Pick(_courses);
        var env = Envelope(site, BridgeRoutingKeys.CourseUpdated);
        Add(Stamp(new CourseChanged
        {
            SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = courseId, FullName = $"Course {courseId} v{_sequence}", ShortName = $"C{courseId}-{_sequence}",
        }));
    }

    private void DeleteCourse()
    {
        if (_coursesDeleted >= 2) return;
        _coursesDeleted++;
        var (site, courseId) = Pick(_courses);
        var env = Envelope(site, BridgeRoutingKeys.CourseDeleted);
        Add(Stamp(new CourseDeleted { SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2, CourseId = courseId }));
        _courses.Remove((site, courseId));
        foreach (var m in _modules.Where(m => m.Site == site && m.CourseId == courseId).ToList())
        {
            _modules.Remove(m);
            _quizzes.Remove((site, m.InstanceId));
        }

        _roles.RemoveAll(r => r.Site == site && r.CourseId == courseId);
    }

    private void CreateModule()
    {
        if (_courses.Count == 0) return;
        var (site, courseId) = Pick(_courses);
        var moduleName = Pick(ModuleNames);
        var cmId = _nextCmId++;
        var instanceId = _nextInstanceId++;
        var env = Envelope(site, BridgeRoutingKeys.CourseModuleCreated);
        Add(Stamp(new CourseModuleChanged
        {
            SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = courseId, CmId = cmId, ModuleName = moduleName, InstanceId = instanceId, Name = $"{moduleName} {cmId}",
            Url = _random.Next(4) == 0 ? $"{site}/mod/{moduleName}/view.php?id={cmId}&custom=1" : null,
        }));
        _modules.Add((site, courseId, cmId, moduleName, instanceId));
        if (moduleName == "quiz") _quizzes[(site, instanceId)] = [];
    }

    private void RenameModule()
    {
        if (_modules.Count == 0) return;
        var m = Pick(_modules);
        var env = Envelope(m.Site, BridgeRoutingKeys.CourseModuleUpdated);
        Add(Stamp(new CourseModuleChanged
        {
            SchemaVersion = 1, EventId = env.EventId, Site = m.Site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = m.CourseId, CmId = m.CmId, ModuleName = m.ModuleName, InstanceId = m.InstanceId, Name = $"{m.ModuleName} {m.CmId} renamed {_sequence}",
        }));
    }

    private void DeleteModule()
    {
        if (_modules.Count == 0) return;
        var m = Pick(_modules);
        var env = Envelope(m.Site, BridgeRoutingKeys.CourseModuleDeleted);
        Add(Stamp(new CourseModuleDeleted
        {
            SchemaVersion = 1, EventId = env.EventId, Site = m.Site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = m.CourseId, CmId = m.CmId, ModuleName = m.ModuleName, InstanceId = m.InstanceId,
        }));
        _modules.Remove(m);
        _quizzes.Remove((m.Site, m.InstanceId));
    }

    private void ChangeQuizQuestions()
    {
        var quizzes = _modules.Where(m => m.ModuleName == "quiz").ToList();
        if (quizzes.Count == 0) return;
        var quiz = Pick(quizzes);
        var list = _quizzes[(quiz.Site, quiz.InstanceId)];
        // Edit: add one or two, rename one, remove one.
        for (var i = _random.Next(1, 3); i > 0; i--) list.Add(new QuizQuestion { QuestionId = _nextQuestionId++, Name = $"Question {_nextQuestionId}" });
        if (list.Count > 1 && _random.Next(2) == 0) list.RemoveAt(_random.Next(list.Count));
        if (list.Count > 0)
        {
            var r = _random.Next(list.Count);
            list[r] = list[r] with { Name = list[r].Name + " (edited)" };
        }

        var env = Envelope(quiz.Site, BridgeRoutingKeys.QuizQuestionsChanged);
        Add(Stamp(new QuizQuestionsChanged
        {
            SchemaVersion = 1, EventId = env.EventId, Site = quiz.Site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = quiz.CourseId, QuizId = quiz.InstanceId, QuizCmId = quiz.CmId, Questions = [.. list],
        }));
    }

    private void AssignRole()
    {
        if (_courses.Count == 0 || _users.Count == 0) return;
        var (site, courseId) = Pick(_courses);
        var users = _users.Where(u => u.Site == site).ToList();
        if (users.Count == 0) return;
        var (_, userId) = Pick(users);
        var role = Pick(Roles);
        if (_roles.Contains((site, courseId, userId, role))) return;
        var env = Envelope(site, BridgeRoutingKeys.RoleAssigned);
        Add(Stamp(new RoleAssigned
        {
            SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = courseId, UserId = userId, RoleShortName = role, User = Profile(userId),
        }));
        _roles.Add((site, courseId, userId, role));
    }

    private void UnassignRole()
    {
        if (_roles.Count == 0) return;
        var r = Pick(_roles);
        var env = Envelope(r.Site, BridgeRoutingKeys.RoleUnassigned);
        Add(Stamp(new RoleUnassigned
        {
            SchemaVersion = 1, EventId = env.EventId, Site = r.Site, EventName = env.EventName, TimeCreated = 0, ActorId = 2,
            CourseId = r.CourseId, UserId = r.UserId, RoleShortName = r.Role,
        }));
        _roles.Remove(r);
    }

    private void UpdateProfile()
    {
        if (_users.Count == 0) return;
        var (site, userId) = Pick(_users);
        var p = Profile(userId);
        var env = Envelope(site, BridgeRoutingKeys.UserUpdated);
        Add(Stamp(new UserUpdated
        {
            SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = userId,
            UserId = userId, Username = p.Username, Email = p.Email, FirstName = p.FirstName, LastName = p.LastName,
        }));
    }

    private void DeleteUser()
    {
        if (_users.Count <= 4) return;
        var (site, userId) = Pick(_users);
        var env = Envelope(site, BridgeRoutingKeys.UserDeleted);
        Add(Stamp(new UserDeleted { SchemaVersion = 1, EventId = env.EventId, Site = site, EventName = env.EventName, TimeCreated = 0, ActorId = 2, UserId = userId }));
        _users.Remove((site, userId));
        _roles.RemoveAll(r => r.Site == site && r.UserId == userId);
    }

    /// <summary>A profile that changes over time (the email carries the sequence).</summary>
    private UserProfile Profile(long userId) => new()
    {
        Username = $"user{userId}",
        Email = $"user{userId}.{_sequence}@example.edu",
        FirstName = $"First{userId}",
        LastName = _random.Next(3) == 0 ? $"Last{userId}-{_sequence}" : $"Last{userId}",
    };

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
