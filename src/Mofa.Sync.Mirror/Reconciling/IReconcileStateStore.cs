namespace Mofa.Sync.Mirror.Reconciling;

/// <summary>
/// The rolling reconcile's state, in the mirror's database (SQLite file or MongoDB) so that it
/// outlives a process and is shared by every instance on that database: per site, the lease that
/// lets one instance lead the site's pass, the call budget all instances draw on, the current pass
/// and the time each course was last verified. Every method is one atomic operation in the store
/// and safe to run concurrently from several processes. Reads (<see cref="GetAsync"/>,
/// <see cref="ListAsync"/>) never create anything: on a database without the state they answer
/// null or empty.
/// </summary>
public interface IReconcileStateStore
{
    /// <summary>Creates the tables or collections and indexes; idempotent.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Takes the site's pass lease for <paramref name="holder"/> until <paramref name="now"/> + <paramref name="ttl"/>
    /// when it is free, expired or already <paramref name="holder"/>'s (a renewal). True when <paramref name="holder"/>
    /// holds it after the call; false (nothing changed) while another holder's lease runs.
    /// </summary>
    Task<bool> TryLeaseAsync(string site, string holder, DateTimeOffset now, TimeSpan ttl, CancellationToken ct);

    /// <summary>Gives the lease up at once when <paramref name="holder"/> holds it (a clean stop); otherwise nothing.</summary>
    Task ReleaseLeaseAsync(string site, string holder, CancellationToken ct);

    /// <summary>
    /// Reserves one call to the site in its budget, one call per <paramref name="interval"/> for all processes
    /// together, and returns the time at which the caller may make it (not before now; the caller waits until then).
    /// Now is read from <paramref name="clock"/> once the store has serialised the reservation (inside SQLite's write
    /// lock, just before MongoDB's atomic update): a reservation that waited for another writer is not dated back to
    /// when it began waiting, where its slot could fall on one handed out meanwhile. With <paramref name="yieldToOthers"/>
    /// (the rolling pass) a slot is reserved only when the budget is idle, its next free slot not after now; otherwise
    /// nothing is reserved and the answer is null, so rolling work takes only the slots event-driven work leaves.
    /// </summary>
    Task<DateTimeOffset?> ReserveCallAsync(string site, TimeSpan interval, bool yieldToOthers, TimeProvider clock, CancellationToken ct);

    /// <summary>
    /// Starts a new pass over <paramref name="courseIds"/> (what Moodle lists and what the mirror holds for the site),
    /// when <paramref name="holder"/> holds the site's lease; false (nothing changed) otherwise. Courses the site's list
    /// had that are not in <paramref name="courseIds"/> are forgotten; new ones have never been verified; each keeps
    /// the time it was last verified. The pass's counters start at zero, with <paramref name="listingCalls"/> calls used.
    /// The lease must still run at <paramref name="now"/> (its end after now): a holder whose lease ran out renews it first.
    /// </summary>
    Task<bool> StartPassAsync(string site, string holder, IReadOnlyCollection<long> courseIds, TimeSpan period, int listingCalls, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// The course of the site's current pass to verify next: of those not verified since the pass started, the one
    /// verified least recently (never verified first, then by id). Null when there is none left (or no pass).
    /// </summary>
    Task<long?> NextCourseAsync(string site, CancellationToken ct);

    /// <summary>
    /// Records that a course was verified at <paramref name="at"/> (by the pass, or by an event-driven reconcile: a
    /// restore counts as verified), and adds <paramref name="figures"/> to the current pass's counters. A course not
    /// in the site's list is added to it (verified). A course's time never moves back (a late record of an older
    /// verification changes nothing); the figures are added only while a pass runs (a site without one keeps none).
    /// </summary>
    Task RecordVerifiedAsync(string site, long courseId, DateTimeOffset at, CourseVerification figures, CancellationToken ct);

    /// <summary>
    /// Ends the site's current pass at <paramref name="now"/> when <paramref name="holder"/> holds the lease (it becomes the
    /// last full pass, with the number of courses in the list); false (nothing changed) otherwise or when no pass runs. The
    /// pass's counters stay readable until the next pass starts.
    /// </summary>
    Task<bool> EndPassAsync(string site, string holder, DateTimeOffset now, CancellationToken ct);

    /// <summary>The site's state, or null when it has none.</summary>
    Task<ReconcileSiteState?> GetAsync(string site, CancellationToken ct);

    /// <summary>Every site's state, by site.</summary>
    Task<IReadOnlyList<ReconcileSiteState>> ListAsync(CancellationToken ct);
}
