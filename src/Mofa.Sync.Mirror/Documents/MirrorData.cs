using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mofa.Sync.Mirror.Documents;

/// <summary>The collection-specific fields of a live document (MirrorDocument.Data).</summary>
public static class MirrorData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JsonObject From<T>(T data) => JsonSerializer.SerializeToNode(data, Json)!.AsObject();

    public static T? As<T>(MirrorDocument doc) where T : class =>
        doc.Data is null ? null : doc.Data.Deserialize<T>(Json);
}

/// <summary>courses: a Moodle course.</summary>
public sealed record CourseData(long CourseId, string FullName, string ShortName);

/// <summary>modules: a course module. Kind is assign, quiz, choice or resource; ResourceType is Moodle's modname for resources.</summary>
public sealed record ModuleData(long CourseId, long CmId, string Kind, string? ResourceType, long InstanceId, string Name, string Url);

/// <summary>users: a person who holds (or recently held) a teacher role. Never a password.</summary>
public sealed record UserData(long UserId, string Username, string Email, string FirstName, string LastName);

/// <summary>teacherRoles: one teacher role of one user in one course.</summary>
public sealed record TeacherRoleData(long CourseId, long UserId, string Role);

/// <summary>quizzes: a quiz's current question list.</summary>
public sealed record QuizData(long CourseId, long QuizId, long QuizCmId, IReadOnlyList<QuizQuestionData> Questions);

public sealed record QuizQuestionData(long QuestionId, string Name);
