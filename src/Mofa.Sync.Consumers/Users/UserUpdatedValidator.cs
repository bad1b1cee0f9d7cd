using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Users;

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
