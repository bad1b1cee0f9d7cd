using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Users;

/// <summary>A role unassigned: the teacher role is tombstoned.</summary>
public sealed class RoleUnassignedHandler(MirrorApplier mirror) : IBridgeEventHandler<RoleUnassigned>
{
    public Task<ApplyResult> HandleAsync(RoleUnassigned message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
