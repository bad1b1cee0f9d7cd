using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Consumers.Questions;

public sealed class QuizQuestionsChangedValidator : MoodleEventValidator<QuizQuestionsChanged>
{
    /// <summary>
    /// So that the largest quiz the contract allows fits the default body limit (MessageLimits.DefaultMaxBodyBytes),
    /// however its names are spelt: 5,000 × 255 characters, each up to 12 bytes as a \uXXXX pair.
    /// </summary>
    public const int MaxQuestions = 5_000;

    public QuizQuestionsChangedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.QuizId);
        Id(e => e.QuizCmId);
        RuleFor(e => e.Questions)
            .MustSatisfy("MaxQuestions", q => q.Count <= MaxQuestions, () => new() { ["maxItems"] = MaxQuestions })
            .WithMessage($"questions must hold at most {MaxQuestions} questions")
            // The schema's items are objects: null is not one.
            .MustSatisfy("NoNullQuestions", q => q.All(x => x is not null), () => [])
            .WithMessage("questions must not hold null entries")
            // JSON Schema's uniqueItems compares whole items, not one field of them.
            .MustSatisfy("DistinctQuestionIds", q => q.Where(x => x is not null).Select(x => x.QuestionId).Distinct().Count() == q.Count(x => x is not null), () => [])
            .WithMessage("questions must not list the same questionId twice");
        RuleForEach(e => e.Questions).Where(q => q is not null).SetValidator(new QuizQuestionValidator());
    }
}
