using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Users;

/// <summary>A user's profile changed: kept while a teacher role backs the user.</summary>
public sealed class UserUpdatedHandler(MirrorApplier mirror) : IBridgeEventHandler<UserUpdated>
{
    public Task<ApplyResult> HandleAsync(UserUpdated message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
