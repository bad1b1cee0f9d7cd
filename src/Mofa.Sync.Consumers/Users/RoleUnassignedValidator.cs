using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Users;

public sealed class RoleUnassignedValidator : MoodleEventValidator<RoleUnassigned>
{
    public RoleUnassignedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.UserId);
        Text(e => e.RoleShortName, 100);
    }
}
