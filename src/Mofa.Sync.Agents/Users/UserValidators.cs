using FluentValidation;
using Mofa.Sync.Contracts.Users;

using Mofa.Sync.Agents.Validation;

namespace Mofa.Sync.Agents.Users;

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
