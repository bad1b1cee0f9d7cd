namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>
/// One course as Moodle's web services returned it, read at <see cref="TakenAt"/> (the service's
/// clock at the start of the reads, less the safety margin: see <see cref="SnapshotVersion"/>).
/// Only a complete view is a snapshot: a course the token could not fully see never becomes one.
/// </summary>
public sealed record CourseSnapshot(
    string Site,
    long CourseId,
    long TakenAt,
    string FullName,
    string ShortName,
    IReadOnlyList<SnapshotModule> Modules,
    IReadOnlyList<SnapshotUser> Users)
{
    public string Version => SnapshotVersion.At(TakenAt);
}

/// <summary>A course module as core_course_get_contents lists it; <see cref="Url"/> is null for a label.</summary>
public sealed record SnapshotModule(long CmId, string ModuleName, long InstanceId, string Name, string? Url);

/// <summary>An enrolled user with the short names of the roles they hold in the course.</summary>
public sealed record SnapshotUser(long UserId, string Username, string Email, string FirstName, string LastName, IReadOnlyList<string> Roles);
