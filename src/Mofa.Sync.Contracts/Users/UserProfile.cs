namespace Mofa.Sync.Contracts.Users;

/// <summary>The profile fields the mirror keeps of a teacher. Never a password.</summary>
public sealed record UserProfile
{
    public required string Username { get; init; }
    public required string Email { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
}
