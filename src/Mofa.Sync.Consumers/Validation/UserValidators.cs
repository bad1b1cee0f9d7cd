using FluentValidation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Validation;

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
        Text(e => e.Username, 100);
        RuleFor(e => e.Email).MaximumLength(100).WithMessage("email must be at most 100 characters (got {TotalLength})");
        Plain(e => e.Email);
        Text(e => e.FirstName, 100);
        Text(e => e.LastName, 100);
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
        RuleFor(u => u.Username).NotEmpty().MaximumLength(100);
        RuleFor(u => u.Email).MaximumLength(100);
        RuleFor(u => u.FirstName).NotEmpty().MaximumLength(100);
        RuleFor(u => u.LastName).NotEmpty().MaximumLength(100);
        RuleFor(u => u.Username).MustBePlainText();
        RuleFor(u => u.Email).MustBePlainText();
        RuleFor(u => u.FirstName).MustBePlainText();
        RuleFor(u => u.LastName).MustBePlainText();
    }
}
