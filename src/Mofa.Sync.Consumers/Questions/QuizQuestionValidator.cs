using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Quizzes;

namespace Mofa.Sync.Consumers.Questions;

/// <summary>One entry of a quiz's question list (QuizQuestionsChanged.questions).</summary>
public sealed class QuizQuestionValidator : JsonNamedValidator<QuizQuestion>
{
    public QuizQuestionValidator()
    {
        RuleFor(x => x.QuestionId).GreaterThan(0).WithMessage("{PropertyName} must be a positive Moodle id (got {PropertyValue})");
        RuleFor(x => x.Name!).NotEmpty().WithMessage("{PropertyName} must not be empty").MaximumCharacters(255);
        RuleFor(x => x.Name).MustBePlainText();
    }
}
