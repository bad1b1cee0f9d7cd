using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>The question agent's apply rule.</summary>
public sealed partial class MirrorApplier
{
    public Task<ApplyResult> ApplyAsync(QuizQuestionsChanged e, CancellationToken ct) => Write((w, c) => QuizQuestionsChangedAsync(w, e, c), ct);

    private static async Task<ApplyResult> QuizQuestionsChangedAsync(IMirrorWriter w, QuizQuestionsChanged e, CancellationToken ct)
    {
        var target = MirrorKeys.Quiz(e.Site, e.QuizId);
        var course = MirrorKeys.Course(e.Site, e.CourseId);
        var questions = e.Questions.Select(q => new QuizQuestionData(q.QuestionId, q.Name)).ToList();

        await w.EnsurePlaceholderAsync(course, e.Site, e.CourseId, ct);
        // The whole list is one document: reconciling (add, rename, remove) is one conditional write.
        var written = await w.UpsertIfNewerAsync(Live(target, e, e.CourseId, null, new QuizData(e.CourseId, e.QuizId, e.QuizCmId, questions)), ct);
        return await DiedWithParentAsync(w, target, e, e.CourseId, null, ct, course, MirrorKeys.Module(e.Site, e.QuizCmId))
            ? ApplyResult.Stale
            : ApplyResult.From(written);
    }
}
