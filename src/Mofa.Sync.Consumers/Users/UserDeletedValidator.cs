using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Users;

public sealed class UserDeletedValidator : MoodleEventValidator<UserDeleted>
{
    public UserDeletedValidator() => Id(e => e.UserId);
}
