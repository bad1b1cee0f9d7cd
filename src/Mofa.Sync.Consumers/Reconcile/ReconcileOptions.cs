namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// Section Reconcile (environment: MOFASYNC__RECONCILE__…): reading courses back from Moodle's web
/// services (`mofa-sync reconcile`, the reconcile agent) and applying them as course snapshots.
/// </summary>
public sealed class ReconcileOptions
{
    /// <summary>
    /// T, the snapshot's version, is the service's clock when the reads begin less this margin: an
    /// event of the last moments before the reads (or stamped by a Moodle clock up to this much
    /// ahead of ours) stays newer than the snapshot and is never overridden by it.
    /// </summary>
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Enrolled users read per core_enrol_get_enrolled_users call (limitnumber).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Web service calls per second to one site for reconciling (the command, the agent and the rolling reconcile), for all
    /// instances on the store together: one budget per site, kept in the store (<see cref="SitePacer"/>).
    /// </summary>
    public double CallsPerSecond { get; set; } = 5;

    /// <summary>Courses of one site read at the same time, in this process.</summary>
    public int ConcurrentCourses { get; set; } = 2;

    /// <summary>The agent: in-process retries of a course while Moodle cannot be reached, before the message is dead-lettered.</summary>
    public int RetryLimit { get; set; } = 5;

    /// <summary>The agent: the first retry's delay; later ones double up to <see cref="RetryMaxInterval"/>.</summary>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The rolling reconcile: how long the instance leading a site's pass keeps the lead without renewing it
    /// (it renews every third of it); after a crash another instance takes the pass over within this.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The rolling reconcile: how often every instance reads the passes' state from the store for /metrics.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The time between two calls to one site for reconciling, all instances together (1 / <see cref="CallsPerSecond"/>).</summary>
    public TimeSpan CallInterval => TimeSpan.FromSeconds(1 / CallsPerSecond);
}
