using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Modules;

/// <summary>A module created or updated: its apply rule upserts it (and a placeholder of its course) and records the change for the teachers.</summary>
public sealed class CourseModuleChangedHandler(MirrorApplier mirror) : IBridgeEventHandler<CourseModuleChanged>
{
    public Task<ApplyResult> HandleAsync(CourseModuleChanged message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
