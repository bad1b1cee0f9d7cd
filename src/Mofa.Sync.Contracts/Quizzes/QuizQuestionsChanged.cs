using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Quizzes;

/// <summary>
/// mod_quiz.quiz_questions_changed: not a Moodle event; the bridge sends it after anything that
/// changes a quiz's structure, with the quiz's whole current question list.
/// </summary>
[Description("Not a Moodle event: sent by the bridge after anything that changes a quiz's structure, with the quiz's whole current question list; the mirror reconciles to it.")]
public sealed record QuizQuestionsChanged : MoodleEvent
{
    public required long CourseId { get; init; }

    /// <summary>The quiz instance id (quiz.id).</summary>
    public required long QuizId { get; init; }

    /// <summary>The quiz's course module id.</summary>
    public required long QuizCmId { get; init; }

    public required IReadOnlyList<QuizQuestion> Questions { get; init; }
}
