using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.role_assigned: for teacher roles, add the role and create or refresh the user.</summary>
public sealed record RoleAssigned : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long UserId { get; init; }
    public required string RoleShortName { get; init; }
    public required UserProfile User { get; init; }
}
