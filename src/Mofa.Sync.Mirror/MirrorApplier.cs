using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>
/// The apply rules, in one place for every store (docs/architecture.md, "Where the rules live"):
/// <list type="bullet">
/// <item>every write lands only if the event is newer than the document (the store's conditional write);</item>
/// <item>a delete leaves a tombstone, and cascades to the children with the delete's version;</item>
/// <item>an event about an unseen parent creates the parent as a placeholder;</item>
/// <item>a child written under a parent checks the parent's tombstone <em>after</em> its own write and
///   tombstones itself if the parent was deleted later: a concurrent cascade and child write
///   each write first and check second, so at least one of them sees the other;</item>
/// <item>users are kept only while a live teacher role backs them (the readers and the export join on it,
///   the purge erases the rest).</item>
/// </list>
/// Every step is idempotent, so a redelivery after a crash at any point ends in the same mirror.
/// An effective content change is recorded in the <see cref="IChangeOutbox"/> (the notifications)
/// inside the same write.
/// </summary>
public sealed class MirrorApplier(IMirrorStore store, ISet<string> teacherRoles, IChangeOutbox? outbox = null)
{
    public Task<ApplyResult> ApplyAsync(MoodleEvent e, CancellationToken ct) => e switch
    {
        CourseChanged m => Write((w, c) => CourseChangedAsync(w, m, c), ct),
        CourseDeleted m => Write((w, c) => CourseDeletedAsync(w, m, c), ct),
        CourseModuleChanged m => Write((w, c) => ModuleChangedAsync(w, m, c), ct),
        CourseModuleDeleted m => Write((w, c) => ModuleDeletedAsync(w, m, c), ct),
        RoleAssigned m => teacherRoles.Contains(m.RoleShortName)
            ? Write((w, c) => RoleAssignedAsync(w, m, c), ct)
            : Task.FromResult(ApplyResult.Ignored($"role '{m.RoleShortName}' is not a teacher role")),
        RoleUnassigned m => teacherRoles.Contains(m.RoleShortName)
            ? Write((w, c) => RoleUnassignedAsync(w, m, c), ct)
            : Task.FromResult(ApplyResult.Ignored($"role '{m.RoleShortName}' is not a teacher role")),
        UserUpdated m => Write((w, c) => UserUpdatedAsync(w, m, c), ct),
        UserDeleted m => Write((w, c) => UserDeletedAsync(w, m, c), ct),
        QuizQuestionsChanged m => Write((w, c) => QuizQuestionsChangedAsync(w, m, c), ct),
        // Not applied from the event: the reconcile agent reads the course back from Moodle (Reconcile/).
        CourseContentChanged => Task.FromResult(ApplyResult.Ignored("the course is read back from Moodle by the reconcile agent")),
        _ => throw new ArgumentException($"no apply rule for {e.GetType().Name}", nameof(e)),
    };

    /// <summary>One event's write: its apply rule, then the record of the change it made, committed together.</summary>
    private async Task<ApplyResult> Write(Func<IMirrorWriter, CancellationToken, Task<ApplyResult>> rule, CancellationToken ct)
    {
        var result = await store.WriteAsync(async (w, c) =>
        {
            var result = await rule(w, c);
            // AlreadyApplied too: a crash between the write and the ack must not lose the change; the outbox records it once.
            if (outbox is not null && result.Change is { } change && result.Outcome is ApplyOutcome.Applied or ApplyOutcome.AlreadyApplied)
            {
                result = result with { Change = await outbox.RecordAsync(change, w, c) };
            }

            return result;
        }, ct);
        if (outbox is not null && result.Change is { } recorded && result.Outcome is ApplyOutcome.Applied or ApplyOutcome.AlreadyApplied)
        {
            outbox.Committed(recorded);
        }

        return result;
    }

    private static async Task<ApplyResult> CourseChangedAsync(IMirrorWriter w, CourseChanged e, CancellationToken ct)
    {
        var written = await w.UpsertIfNewerAsync(
            Live(MirrorKeys.Course(e.Site, e.CourseId), e, e.CourseId, null, new CourseData(e.CourseId, e.FullName, e.ShortName)), ct);
        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> CourseDeletedAsync(IMirrorWriter w, CourseDeleted e, CancellationToken ct)
    {
        var version = EventVersion.Of(e);
        var written = await w.TombstoneIfNewerAsync(MirrorKeys.Course(e.Site, e.CourseId), e.Site, e.CourseId, null, version, ct);
        // The cascade runs even when the course tombstone was already there: it is idempotent, and
        // a crash between the two writes must not leave the children alive.
        foreach (var child in new[] { MirrorCollection.Modules, MirrorCollection.TeacherRoles, MirrorCollection.Quizzes })
        {
            await w.TombstoneChildrenAsync(new ChildSelector(child, e.Site, CourseId: e.CourseId), version, ct);
        }

        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> ModuleChangedAsync(IMirrorWriter w, CourseModuleChanged e, CancellationToken ct)
    {
        var (kind, resourceType) = ModuleKinds.Classify(e.ModuleName);
        var url = e.Url ?? ModuleKinds.DefaultUrl(e.Site, e.ModuleName, e.CmId);
        var target = MirrorKeys.Module(e.Site, e.CmId);

        await w.EnsurePlaceholderAsync(MirrorKeys.Course(e.Site, e.CourseId), e.Site, e.CourseId, ct);
        var written = await w.UpsertIfNewerAsync(
            Live(target, e, e.CourseId, null, new ModuleData(e.CourseId, e.CmId, kind, resourceType, e.InstanceId, e.Name, url)), ct);
        if (await DiedWithParentAsync(w, target, e, e.CourseId, null, ct, MirrorKeys.Course(e.Site, e.CourseId)))
        {
            return ApplyResult.Stale;
        }

        var changeKind = RoutingKeyOf(e) == BridgeRoutingKeys.CourseModuleCreated ? ContentChangeKind.Created : ContentChangeKind.Updated;
        return ApplyResult.From(written, new ContentChange(e.Site, e.CourseId, changeKind, e.CmId, kind, e.Name, url, e.EventId, e.TimeCreated));
    }

    private static async Task<ApplyResult> ModuleDeletedAsync(IMirrorWriter w, CourseModuleDeleted e, CancellationToken ct)
    {
        var version = EventVersion.Of(e);
        var (kind, _) = ModuleKinds.Classify(e.ModuleName);
        var written = await w.TombstoneIfNewerAsync(MirrorKeys.Module(e.Site, e.CmId), e.Site, e.CourseId, null, version, ct);
        if (kind == ModuleKinds.Quiz)
        {
            // A deleted quiz takes its questions along.
            await w.TombstoneIfNewerAsync(MirrorKeys.Quiz(e.Site, e.InstanceId), e.Site, e.CourseId, null, version, ct);
        }

        return ApplyResult.From(written, new ContentChange(e.Site, e.CourseId, ContentChangeKind.Deleted, e.CmId, kind, null, null, e.EventId, e.TimeCreated));
    }

    private static async Task<ApplyResult> RoleAssignedAsync(IMirrorWriter w, RoleAssigned e, CancellationToken ct)
    {
        var target = MirrorKeys.TeacherRole(e.Site, e.CourseId, e.UserId, e.RoleShortName);
        var user = MirrorKeys.User(e.Site, e.UserId);
        var course = MirrorKeys.Course(e.Site, e.CourseId);

        await w.EnsurePlaceholderAsync(course, e.Site, e.CourseId, ct);
        // The profile carried by the message replaces the stored one when it is newer.
        await w.UpsertIfNewerAsync(Live(user, e, null, e.UserId, new UserData(e.UserId, e.User.Username, e.User.Email, e.User.FirstName, e.User.LastName)), ct);
        var written = await w.UpsertIfNewerAsync(Live(target, e, e.CourseId, e.UserId, new TeacherRoleData(e.CourseId, e.UserId, e.RoleShortName)), ct);
        return await DiedWithParentAsync(w, target, e, e.CourseId, e.UserId, ct, course, user)
            ? ApplyResult.Stale
            : ApplyResult.From(written);
    }

    private static async Task<ApplyResult> RoleUnassignedAsync(IMirrorWriter w, RoleUnassigned e, CancellationToken ct)
    {
        var written = await w.TombstoneIfNewerAsync(
            MirrorKeys.TeacherRole(e.Site, e.CourseId, e.UserId, e.RoleShortName), e.Site, e.CourseId, e.UserId, EventVersion.Of(e), ct);
        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> UserUpdatedAsync(IMirrorWriter w, UserUpdated e, CancellationToken ct)
    {
        // Written even when no teacher role backs the user (yet): a profile update that arrives
        // before the role that makes the user relevant must still win. Readers only see users
        // with a live teacher role, and the purge erases unbacked profiles after the retention.
        var written = await w.UpsertIfNewerAsync(
            Live(MirrorKeys.User(e.Site, e.UserId), e, null, e.UserId, new UserData(e.UserId, e.Username, e.Email, e.FirstName, e.LastName)), ct);
        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> UserDeletedAsync(IMirrorWriter w, UserDeleted e, CancellationToken ct)
    {
        var version = EventVersion.Of(e);
        var written = await w.TombstoneIfNewerAsync(MirrorKeys.User(e.Site, e.UserId), e.Site, null, e.UserId, version, ct);
        await w.TombstoneChildrenAsync(new ChildSelector(MirrorCollection.TeacherRoles, e.Site, UserId: e.UserId), version, ct);
        return ApplyResult.From(written);
    }

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

    /// <summary>
    /// After a child's write: when a parent carries a tombstone newer than the event, the child
    /// takes that tombstone too (the cascade may have run before the child existed).
    /// </summary>
    private static async Task<bool> DiedWithParentAsync(
        IMirrorWriter w, DocumentRef child, MoodleEvent e, long? courseId, long? userId, CancellationToken ct, params DocumentRef[] parents)
    {
        var version = EventVersion.Of(e);
        var died = false;
        foreach (var parent in parents)
        {
            var tombstone = await w.GetTombstoneVersionAsync(parent, ct);
            if (tombstone is not null && string.CompareOrdinal(tombstone, version) > 0)
            {
                await w.TombstoneIfNewerAsync(child, e.Site, courseId, userId, tombstone, ct);
                died = true;
            }
        }

        return died;
    }

    private static MirrorDocument Live<T>(DocumentRef target, MoodleEvent e, long? courseId, long? userId, T data) => new()
    {
        Collection = target.Collection,
        Key = target.Key,
        Site = e.Site,
        CourseId = courseId,
        UserId = userId,
        Version = EventVersion.Of(e),
        Data = MirrorData.From(data),
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private static string? RoutingKeyOf(MoodleEvent e) => BridgeRoutingKeys.FromEventName(e.EventName);
}
