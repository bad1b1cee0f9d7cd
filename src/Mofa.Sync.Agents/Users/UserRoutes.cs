using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Agents.Users;

/// <summary>The user agent's contracts: their routing keys, validators and apply rules.</summary>
public static class UserRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<RoleAssigned>(SyncAgent.User,
            [BridgeRoutingKeys.RoleAssigned],
            new RoleAssignedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A role was assigned in a course context. Only teacher roles (default editingteacher and manager) are kept; the user's profile comes from the record snapshot."),
        new BridgeRoute<RoleUnassigned>(SyncAgent.User,
            [BridgeRoutingKeys.RoleUnassigned],
            new RoleUnassignedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A role was unassigned in a course context: the mirror removes that role."),
        new BridgeRoute<UserUpdated>(SyncAgent.User,
            [BridgeRoutingKeys.UserUpdated],
            new UserUpdatedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A user's profile changed: the mirror updates the user if it keeps them."),
        new BridgeRoute<UserDeleted>(SyncAgent.User,
            [BridgeRoutingKeys.UserDeleted],
            new UserDeletedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A user was deleted: the mirror removes the user and their roles."),
    ];
}
