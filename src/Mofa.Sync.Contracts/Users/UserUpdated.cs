using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.user_updated: update the user's profile if the mirror keeps them.</summary>
[Description("A user's profile changed: the mirror updates the user if it keeps them.")]
public sealed record UserUpdated : MoodleEvent
{
    public required long UserId { get; init; }
    public required string Username { get; init; }
    public required string Email { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
}
