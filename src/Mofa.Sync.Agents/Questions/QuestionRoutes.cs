using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Quizzes;

namespace Mofa.Sync.Agents.Questions;

/// <summary>The question agent's contract: its routing key, validator and apply rule.</summary>
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
