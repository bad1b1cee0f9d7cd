using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Users;

public sealed class UserDeletedValidator : MoodleEventValidator<UserDeleted>
{
    public UserDeletedValidator() => Id(e => e.UserId);
}
