using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.role_unassigned: remove that role.</summary>
[Description("A role was unassigned in a course context: the mirror removes that role.")]
public sealed record RoleUnassigned : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long UserId { get; init; }
    public required string RoleShortName { get; init; }
}
