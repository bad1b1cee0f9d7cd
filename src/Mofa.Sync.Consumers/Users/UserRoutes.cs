using FluentValidation;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Users;

/// <summary>The user agent's contracts: their routing keys, validators (below) and apply rules.</summary>
public static class UserRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<RoleAssigned>(SyncAgent.User,
            [BridgeRoutingKeys.RoleAssigned],
            new RoleAssignedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A role was assigned in a course context. Only teacher roles (default editingteacher and manager) are kept; the user's profile is the bridge's read of Moodle's user table when the event fires (role events carry no profile)."),
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
