using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Users;

/// <summary>A user deleted: the profile and the user's teacher roles are tombstoned.</summary>
public sealed class UserDeletedHandler(MirrorApplier mirror) : IBridgeEventHandler<UserDeleted>
{
    public Task<ApplyResult> HandleAsync(UserDeleted message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
