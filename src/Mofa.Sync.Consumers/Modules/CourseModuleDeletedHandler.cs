using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Modules;

/// <summary>A module deleted: its apply rule tombstones it (a quiz takes its questions along) and records the change for the teachers.</summary>
public sealed class CourseModuleDeletedHandler(MirrorApplier mirror) : IBridgeEventHandler<CourseModuleDeleted>
{
    public Task<ApplyResult> HandleAsync(CourseModuleDeleted message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
