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

public sealed class RoleAssignedValidator : MoodleEventValidator<RoleAssigned>
{
    public RoleAssignedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.UserId);
        Text(e => e.RoleShortName, 100);
        RuleFor(e => e.User).SetValidator(new UserProfileValidator());
    }
}

public sealed class RoleUnassignedValidator : MoodleEventValidator<RoleUnassigned>
{
    public RoleUnassignedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.UserId);
        Text(e => e.RoleShortName, 100);
    }
}

public sealed class UserUpdatedValidator : MoodleEventValidator<UserUpdated>
{
    public UserUpdatedValidator()
    {
        Id(e => e.UserId);
        // Moodle requires a username; it stores empty first and last names and empty emails
        // (accounts created by authentication plugins, CSV uploads, web services).
        Text(e => e.Username, 100);
        OptionalText(e => e.Email, 100);
        OptionalText(e => e.FirstName, 100);
        OptionalText(e => e.LastName, 100);
    }
}

public sealed class UserDeletedValidator : MoodleEventValidator<UserDeleted>
{
    public UserDeletedValidator() => Id(e => e.UserId);
}

public sealed class UserProfileValidator : AbstractValidator<UserProfile>
{
    public UserProfileValidator()
    {
        // The same rules as user_updated's fields.
        RuleFor(u => u.Username!).NotEmpty().WithMessage("{PropertyName} must not be empty").MaximumCharacters(100);
        RuleFor(u => u.Email!).MaximumCharacters(100);
        RuleFor(u => u.FirstName!).MaximumCharacters(100);
        RuleFor(u => u.LastName!).MaximumCharacters(100);
        RuleFor(u => u.Username).MustBePlainText();
        RuleFor(u => u.Email).MustBePlainText();
        RuleFor(u => u.FirstName).MustBePlainText();
        RuleFor(u => u.LastName).MustBePlainText();
    }
}
