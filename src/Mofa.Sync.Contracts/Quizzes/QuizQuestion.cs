namespace Mofa.Sync.Contracts.Quizzes;

public sealed record QuizQuestion
{
    public required long QuestionId { get; init; }
    public required string Name { get; init; }
}
