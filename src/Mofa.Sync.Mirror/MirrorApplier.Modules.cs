using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>The module agent's apply rules.</summary>
public sealed partial class MirrorApplier
{
    public Task<ApplyResult> ApplyAsync(CourseModuleChanged e, CancellationToken ct) => Write((w, c) => ModuleChangedAsync(w, e, c), ct);

    public Task<ApplyResult> ApplyAsync(CourseModuleDeleted e, CancellationToken ct) => Write((w, c) => ModuleDeletedAsync(w, e, c), ct);

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
        var target = MirrorKeys.Module(e.Site, e.CmId);
        // A delete carries no name: the teachers are told the one the mirror had, read before the tombstone clears it
        // and kept on the tombstone, where a redelivery finds it when the change's record failed after the tombstone
        // (a store whose writes are not atomic).
        var name = await w.GetAsync(target, ct) switch
        {
            { Deleted: false } live => MirrorData.As<ModuleData>(live)?.Name,
            { Deleted: true } tombstone => tombstone.DeletedName,
            null => null,
        };
        var written = await w.TombstoneIfNewerAsync(target, e.Site, e.CourseId, null, version, name, ct);
        if (kind == ModuleKinds.Quiz)
        {
            // A deleted quiz takes its questions along.
            await w.TombstoneIfNewerAsync(MirrorKeys.Quiz(e.Site, e.InstanceId), e.Site, e.CourseId, null, version, ct);
        }

        return ApplyResult.From(written, new ContentChange(e.Site, e.CourseId, ContentChangeKind.Deleted, e.CmId, kind, name, null, e.EventId, e.TimeCreated));
    }
}
