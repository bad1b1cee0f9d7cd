using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>
/// One course as Moodle's web services returned it, read at <see cref="TakenAt"/> (the service's
/// clock at the start of the reads, less the safety margin: see <see cref="SnapshotVersion"/>).
/// Only a complete view is a snapshot: a course the token could not fully see never becomes one.
/// <see cref="Quizzes"/> is null when the quizzes' question lists were not read (no core web service
/// lists them; the site's service may include the bridge plugin's local_mofabridge_get_quiz_questions):
/// the mirror's lists are then left as they are.
/// </summary>
public sealed record CourseSnapshot(
    string Site,
    long CourseId,
    long TakenAt,
    string FullName,
    string ShortName,
    IReadOnlyList<SnapshotModule> Modules,
    IReadOnlyList<SnapshotUser> Users,
    IReadOnlyList<SnapshotQuiz>? Quizzes = null)
{
    public string Version => SnapshotVersion.At(TakenAt);
}

/// <summary>A course module as core_course_get_contents lists it; <see cref="Url"/> is null for a label.</summary>
public sealed record SnapshotModule(long CmId, string ModuleName, long InstanceId, string Name, string? Url);

/// <summary>An enrolled user with the short names of the roles they hold in the course.</summary>
public sealed record SnapshotUser(long UserId, string Username, string Email, string FirstName, string LastName, IReadOnlyList<string> Roles);

/// <summary>A quiz's fixed questions, in slot order, as a quiz_questions_changed message lists them.</summary>
public sealed record SnapshotQuiz(long QuizId, long CmId, IReadOnlyList<QuizQuestionData> Questions);
