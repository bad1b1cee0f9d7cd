using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Users;

/// <summary>core.role_assigned: for teacher roles, add the role and create or refresh the user.</summary>
[Description("A role was assigned in a course context. Only teacher roles (default editingteacher and manager) are kept; the user's profile is the bridge's read of Moodle's user table when the event fires (role events carry no profile).")]
public sealed record RoleAssigned : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long UserId { get; init; }
    public required string RoleShortName { get; init; }
    public required UserProfile User { get; init; }
}
