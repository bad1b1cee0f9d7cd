using Mofa.Sync.Mirror.Snapshots;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>What reading one course back from Moodle gave.</summary>
public abstract record CourseRead(string Site, long CourseId)
{
    /// <summary>The whole course, seen by a token that may see all of it.</summary>
    public sealed record Complete(CourseSnapshot Snapshot) : CourseRead(Snapshot.Site, Snapshot.CourseId);

    /// <summary>Moodle says the course does not exist (errorcode invalidrecord / invalidrecordunknown) at T.</summary>
    public sealed record Gone(string Site, long CourseId, long TakenAt, string Detail) : CourseRead(Site, CourseId);

    /// <summary>Moodle refuses to show the course, or shows only part of it: reported, nothing is deleted on that view.</summary>
    public sealed record Refused(string Site, long CourseId, string Reason) : CourseRead(Site, CourseId);
}
