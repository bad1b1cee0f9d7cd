using Mofa.Sync.Contracts.Users;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>The user agent's apply rules: teacher roles and the profiles they back.</summary>
public sealed partial class MirrorApplier
{
    public Task<ApplyResult> ApplyAsync(RoleAssigned e, CancellationToken ct) => teacherRoles.Contains(e.RoleShortName)
        ? Write((w, c) => RoleAssignedAsync(w, e, c), ct)
        : Task.FromResult(ApplyResult.Ignored($"role '{e.RoleShortName}' is not a teacher role"));

    public Task<ApplyResult> ApplyAsync(RoleUnassigned e, CancellationToken ct) => teacherRoles.Contains(e.RoleShortName)
        ? Write((w, c) => RoleUnassignedAsync(w, e, c), ct)
        : Task.FromResult(ApplyResult.Ignored($"role '{e.RoleShortName}' is not a teacher role"));

    public Task<ApplyResult> ApplyAsync(UserUpdated e, CancellationToken ct) => Write((w, c) => UserUpdatedAsync(w, e, c), ct);

    public Task<ApplyResult> ApplyAsync(UserDeleted e, CancellationToken ct) => Write((w, c) => UserDeletedAsync(w, e, c), ct);

    private static async Task<ApplyResult> RoleAssignedAsync(IMirrorWriter w, RoleAssigned e, CancellationToken ct)
    {
        var target = MirrorKeys.TeacherRole(e.Site, e.CourseId, e.UserId, e.RoleShortName);
        var user = MirrorKeys.User(e.Site, e.UserId);
        var course = MirrorKeys.Course(e.Site, e.CourseId);

        await w.EnsurePlaceholderAsync(course, e.Site, e.CourseId, ct);
        // The profile carried by the message replaces the stored one when it is newer.
        await w.UpsertIfNewerAsync(Live(user, e, null, e.UserId, new UserData(e.UserId, e.User.Username, e.User.Email, e.User.FirstName, e.User.LastName)), ct);
        var written = await w.UpsertIfNewerAsync(Live(target, e, e.CourseId, e.UserId, new TeacherRoleData(e.CourseId, e.UserId, e.RoleShortName)), ct);
        return await DiedWithParentAsync(w, target, e, e.CourseId, e.UserId, ct, course, user)
            ? ApplyResult.Stale
            : ApplyResult.From(written);
    }

    private static async Task<ApplyResult> RoleUnassignedAsync(IMirrorWriter w, RoleUnassigned e, CancellationToken ct)
    {
        var written = await w.TombstoneIfNewerAsync(
            MirrorKeys.TeacherRole(e.Site, e.CourseId, e.UserId, e.RoleShortName), e.Site, e.CourseId, e.UserId, EventVersion.Of(e), ct);
        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> UserUpdatedAsync(IMirrorWriter w, UserUpdated e, CancellationToken ct)
    {
        // Written even when no teacher role backs the user (yet): a profile update that arrives
        // before the role that makes the user relevant must still win. Readers only see users
        // with a live teacher role, and the purge erases unbacked profiles after the retention.
        var written = await w.UpsertIfNewerAsync(
            Live(MirrorKeys.User(e.Site, e.UserId), e, null, e.UserId, new UserData(e.UserId, e.Username, e.Email, e.FirstName, e.LastName)), ct);
        return ApplyResult.From(written);
    }

    private static async Task<ApplyResult> UserDeletedAsync(IMirrorWriter w, UserDeleted e, CancellationToken ct)
    {
        var version = EventVersion.Of(e);
        var written = await w.TombstoneIfNewerAsync(MirrorKeys.User(e.Site, e.UserId), e.Site, null, e.UserId, version, ct);
        await w.TombstoneChildrenAsync(new ChildSelector(MirrorCollection.TeacherRoles, e.Site, UserId: e.UserId), version, ct);
        return ApplyResult.From(written);
    }
}
