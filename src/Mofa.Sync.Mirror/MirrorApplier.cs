using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
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
/// A rule returns the content change it made (<see cref="ApplyResult.Change"/>); the store adapter
/// records it in the change outbox inside the same write (<see cref="IMirrorWriter.RecordChangeAsync"/>).
/// The rules of each agent's contracts are in MirrorApplier.Courses.cs, .Modules.cs, .Users.cs and
/// .Quizzes.cs: one public ApplyAsync per contract, which each contract's handler calls (Consumers/{Agent}/{Contract}Handler.cs).
/// </summary>
public sealed partial class MirrorApplier(IMirrorStore store, ISet<string> teacherRoles)
{
    /// <summary>One event's write: its apply rule, then the record of the change it made, committed together.</summary>
    private Task<ApplyResult> Write(Func<IMirrorWriter, CancellationToken, Task<ApplyResult>> rule, CancellationToken ct) =>
        store.WriteAsync(async (w, c) =>
        {
            var result = await rule(w, c);
            if (result.Change is { } change && IsToBeRecorded(result.Outcome)) await w.RecordChangeAsync(change, c);
            return result;
        }, ct);

    /// <summary>
    /// A first application's change is recorded. A redelivery's (AlreadyApplied) only where the
    /// store's writes are not atomic: there a crash between the write and the record must not lose
    /// the change, and the store records it once by its id; where they are, the record committed
    /// with the write, and the mirror's conditional write is all the deduplication it needs.
    /// </summary>
    private bool IsToBeRecorded(ApplyOutcome outcome) =>
        outcome == ApplyOutcome.Applied || (outcome == ApplyOutcome.AlreadyApplied && !store.WritesAreAtomic);

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
            if (tombstone is not null && EventVersion.Compare(tombstone, version) > 0)
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
