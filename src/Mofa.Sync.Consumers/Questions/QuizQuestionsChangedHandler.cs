using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Questions;

/// <summary>A quiz's question list: its apply rule replaces the quiz's questions when newer.</summary>
public sealed class QuizQuestionsChangedHandler(MirrorApplier mirror) : IBridgeEventHandler<QuizQuestionsChanged>
{
    public Task<ApplyResult> HandleAsync(QuizQuestionsChanged message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
