using FluentValidation;
using Mofa.Sync.Contracts.Quizzes;

namespace Mofa.Sync.Consumers.Validation;

public sealed class QuizQuestionsChangedValidator : MoodleEventValidator<QuizQuestionsChanged>
{
    public const int MaxQuestions = 10_000;

    public QuizQuestionsChangedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.QuizId);
        Id(e => e.QuizCmId);
        RuleFor(e => e.Questions)
            .Must(q => q.Count <= MaxQuestions).WithMessage($"questions must hold at most {MaxQuestions} questions")
            .Must(q => q.Select(x => x.QuestionId).Distinct().Count() == q.Count).WithMessage("questions must not list the same questionId twice");
        RuleForEach(e => e.Questions).ChildRules(q =>
        {
            q.RuleFor(x => x.QuestionId).GreaterThan(0).WithMessage("{PropertyName} must be a positive Moodle id (got {PropertyValue})");
            q.RuleFor(x => x.Name).NotEmpty().MaximumLength(255);
        });
    }
}
