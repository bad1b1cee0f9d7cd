using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>The course agent's apply rules.</summary>
public sealed partial class MirrorApplier
{
    public Task<ApplyResult> ApplyAsync(CourseChanged e, CancellationToken ct) => Write((w, c) => CourseChangedAsync(w, e, c), ct);

    public Task<ApplyResult> ApplyAsync(CourseDeleted e, CancellationToken ct) => Write((w, c) => CourseDeletedAsync(w, e, c), ct);

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
        foreach (var child in MirrorCollectionNames.OfACourse)
        {
            await w.TombstoneChildrenAsync(new ChildSelector(child, e.Site, CourseId: e.CourseId), version, ct);
        }

        return ApplyResult.From(written);
    }
}
