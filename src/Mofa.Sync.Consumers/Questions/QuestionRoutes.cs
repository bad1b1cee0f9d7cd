using FluentValidation;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Questions;

/// <summary>The question agent's contract: its routing key, validator (below) and apply rule.</summary>
public static class QuestionRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<QuizQuestionsChanged>(SyncAgent.Question,
            [BridgeRoutingKeys.QuizQuestionsChanged],
            new QuizQuestionsChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "Not a Moodle event: sent by the bridge after anything that changes a quiz's structure, with the quiz's whole current question list; the mirror reconciles to it."),
    ];
}
