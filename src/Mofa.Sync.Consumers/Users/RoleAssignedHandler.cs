using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Users;

/// <summary>A role assigned in a course: a teacher role is kept with its user's profile.</summary>
public sealed class RoleAssignedHandler(MirrorApplier mirror) : IBridgeEventHandler<RoleAssigned>
{
    public Task<ApplyResult> HandleAsync(RoleAssigned message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
