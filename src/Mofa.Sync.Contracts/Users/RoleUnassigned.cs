using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.role_unassigned: remove that role.</summary>
public sealed record RoleUnassigned : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long UserId { get; init; }
    public required string RoleShortName { get; init; }
}
