using FluentValidation;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers.Users;

public sealed class UserProfileValidator : JsonNamedValidator<UserProfile>
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
