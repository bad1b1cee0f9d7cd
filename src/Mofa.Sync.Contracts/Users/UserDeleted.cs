using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.user_deleted: remove the user and their roles.</summary>
[Description("A user was deleted: the mirror removes the user and their roles.")]
public sealed record UserDeleted : MoodleEvent
{
    public required long UserId { get; init; }
}
