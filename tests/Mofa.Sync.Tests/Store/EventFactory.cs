using System.Globalization;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Builds contract events of one site. <c>t</c> is the event's time in seconds after a fixed
/// origin, so a test states the order of its events; the event id is derived from t and the kind
/// (deterministic: two factories building the same scenario produce the same versions).
/// </summary>
public sealed class EventFactory(string site = "https://moodle.example.edu")
{
    public const long Origin = 1_750_000_000;

    public string Site { get; } = site;

    public static UserProfile Profile(string username, string firstName = "Ada", string lastName = "Lovelace") => new()
    {
        Username = username,
        Email = $"{username}@example.edu",
        FirstName = firstName,
        LastName = lastName,
    };

    public CourseChanged CourseCreated(long t, long courseId, string fullName = "Algebra I", string shortName = "ALG1") =>
        Course(t, BridgeRoutingKeys.CourseCreated, courseId, fullName, shortName);

    public CourseChanged CourseUpdated(long t, long courseId, string fullName = "Algebra I", string shortName = "ALG1") =>
        Course(t, BridgeRoutingKeys.CourseUpdated, courseId, fullName, shortName);

    public CourseDeleted CourseDeleted(long t, long courseId) => new CourseDeleted
    {
        SchemaVersion = 1, EventId = Id(t, "course-deleted", courseId), Site = Site, EventName = Name(BridgeRoutingKeys.CourseDeleted),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId,
    };

    public CourseModuleChanged ModuleCreated(long t, long courseId, long cmId, string moduleName, long instanceId, string name, string? url = null) =>
        Module(t, BridgeRoutingKeys.CourseModuleCreated, courseId, cmId, moduleName, instanceId, name, url);

    public CourseModuleChanged ModuleUpdated(long t, long courseId, long cmId, string moduleName, long instanceId, string name, string? url = null) =>
        Module(t, BridgeRoutingKeys.CourseModuleUpdated, courseId, cmId, moduleName, instanceId, name, url);

    public CourseModuleDeleted ModuleDeleted(long t, long courseId, long cmId, string moduleName, long instanceId) => new CourseModuleDeleted
    {
        SchemaVersion = 1, EventId = Id(t, "module-deleted", cmId), Site = Site, EventName = Name(BridgeRoutingKeys.CourseModuleDeleted),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, CmId = cmId, ModuleName = moduleName, InstanceId = instanceId,
    };

    public RoleAssigned RoleAssigned(long t, long courseId, long userId, string role = "editingteacher", UserProfile? profile = null) => new RoleAssigned
    {
        SchemaVersion = 1, EventId = Id(t, $"role-assigned-{role}-{courseId}", userId), Site = Site, EventName = Name(BridgeRoutingKeys.RoleAssigned),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, UserId = userId, RoleShortName = role,
        User = profile ?? Profile($"user{userId}"),
    };

    public RoleUnassigned RoleUnassigned(long t, long courseId, long userId, string role = "editingteacher") => new RoleUnassigned
    {
        SchemaVersion = 1, EventId = Id(t, $"role-unassigned-{role}-{courseId}", userId), Site = Site, EventName = Name(BridgeRoutingKeys.RoleUnassigned),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, UserId = userId, RoleShortName = role,
    };

    public UserUpdated UserUpdated(long t, long userId, UserProfile? profile = null)
    {
        var p = profile ?? Profile($"user{userId}");
        return new UserUpdated
        {
            SchemaVersion = 1, EventId = Id(t, "user-updated", userId), Site = Site, EventName = Name(BridgeRoutingKeys.UserUpdated),
            TimeCreated = Origin + t, ActorId = 2, UserId = userId,
            Username = p.Username, Email = p.Email, FirstName = p.FirstName, LastName = p.LastName,
        };
    }

    public UserDeleted UserDeleted(long t, long userId) => new UserDeleted
    {
        SchemaVersion = 1, EventId = Id(t, "user-deleted", userId), Site = Site, EventName = Name(BridgeRoutingKeys.UserDeleted),
        TimeCreated = Origin + t, ActorId = 2, UserId = userId,
    };

    public QuizQuestionsChanged QuizQuestions(long t, long courseId, long quizId, long quizCmId, params (long Id, string Name)[] questions) => new QuizQuestionsChanged
    {
        SchemaVersion = 1, EventId = Id(t, "quiz-questions", quizId), Site = Site,
        EventName = Name(BridgeRoutingKeys.QuizQuestionsChanged),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, QuizId = quizId, QuizCmId = quizCmId,
        Questions = questions.Select(q => new QuizQuestion { QuestionId = q.Id, Name = q.Name }).ToList(),
    };

    private CourseChanged Course(long t, string routingKey, long courseId, string fullName, string shortName) => new CourseChanged
    {
        SchemaVersion = 1, EventId = Id(t, routingKey, courseId), Site = Site, EventName = Name(routingKey),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, FullName = fullName, ShortName = shortName,
    };

    private CourseModuleChanged Module(long t, string routingKey, long courseId, long cmId, string moduleName, long instanceId, string name, string? url) => new CourseModuleChanged
    {
        SchemaVersion = 1, EventId = Id(t, routingKey, cmId), Site = Site, EventName = Name(routingKey),
        TimeCreated = Origin + t, ActorId = 2, CourseId = courseId, CmId = cmId, ModuleName = moduleName, InstanceId = instanceId, Name = name, Url = url,
    };

    private static string Name(string routingKey) => BridgeRoutingKeys.ToEventName(routingKey);

    private static string Id(long t, string what, long id) => string.Create(CultureInfo.InvariantCulture, $"{t:D6}-{what}-{id}");
}
