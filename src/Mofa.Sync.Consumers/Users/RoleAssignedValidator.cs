using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Users;

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
