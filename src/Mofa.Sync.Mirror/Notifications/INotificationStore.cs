namespace Mofa.Sync.Mirror.Notifications;

/// <summary>
/// Where notifications, their digests and the delivery records live: the same database as the
/// mirror (SQLite file or MongoDB), so the recipients are read from the mirror's teacher roles.
/// Every method is safe to run concurrently from several service instances.
/// </summary>
public interface INotificationStore : IAsyncDisposable
{
    /// <summary>Creates tables or collections and indexes; idempotent.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Records a notification once (by its id), on its own, and puts it into its course's open digest, or a new
    /// digest due at now + <paramref name="window"/> (with a zero window, a digest of its own, due
    /// at once). A notification recorded before keeps its digest. An event's change is recorded by the
    /// mirror write that applied it instead (<see cref="IMirrorWriter.RecordChangeAsync"/>), the same way.
    /// </summary>
    Task<RecordedNotification> RecordAsync(DigestChange change, TimeSpan window, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Completes when a change that this store's mirror writes recorded into a digest due at once (a zero
    /// window) has committed since the last wait, or after <paramref name="maxWait"/>: what the outbox's
    /// publisher waits on between two looks for due digests (<see cref="DueDigestSignal"/>).
    /// </summary>
    Task WaitForDueDigestAsync(TimeSpan maxWait, CancellationToken ct);

    /// <summary>Digests whose window has closed and whose NotificationRequested is not yet published (closed ones included: a crash between the close and the publish).</summary>
    Task<IReadOnlyList<string>> DueDigestsAsync(DateTimeOffset now, int max, CancellationToken ct);

    /// <summary>Notes that each digest's NotificationRequested was published (confirmed by the broker), so it is not published again (one write for all).</summary>
    Task MarkPublishedAsync(IReadOnlyList<string> digestIds, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Closes the digest to new notifications and, the first time, fixes its recipients: the users
    /// holding a live teacher role in the course now, each with a pending delivery record. Returns
    /// the digest with its notifications, or null when there is no such digest.
    /// </summary>
    Task<ClosedDigest?> CloseAsync(string digestId, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Claims up to <paramref name="max"/> pending (or released) deliveries of the digest for sending:
    /// each record is claimed by exactly one caller, once, so nobody is sent a digest twice.
    /// </summary>
    Task<IReadOnlyList<long>> ClaimAsync(string digestId, int max, DateTimeOffset now, CancellationToken ct);

    /// <summary>Records how each delivery ended (or releases it for a later retry).</summary>
    Task RecordOutcomesAsync(string digestId, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken ct);

    /// <summary>The most recent notifications with their digest's delivery state, newest first.</summary>
    Task<IReadOnlyList<NotificationStatus>> RecentAsync(int limit, CancellationToken ct);
}

/// <summary>A notification as recorded: its digest, and whether this call recorded it (false: a duplicate).</summary>
public sealed record RecordedNotification(string DigestId, bool IsNew);

/// <summary>A digest closed for delivery.</summary>
public sealed record ClosedDigest(
    string DigestId,
    string Site,
    long CourseId,
    string? CourseName,
    IReadOnlyList<DigestChange> Notifications,
    IReadOnlyList<long> Recipients,
    DateTimeOffset ClosedAt);

/// <summary>The states of one (digest, recipient) delivery record.</summary>
public static class DeliveryStates
{
    /// <summary>Fixed as a recipient, not tried yet.</summary>
    public const string Pending = "pending";

    /// <summary>Claimed by a sender; if it stays so, the sender stopped mid-call and it is never sent again (at most once).</summary>
    public const string Sending = "sending";

    /// <summary>Moodle accepted it (msgid).</summary>
    public const string Delivered = "delivered";

    /// <summary>Moodle refused this recipient (msgid -1): permanent, not retried.</summary>
    public const string Failed = "failed";

    /// <summary>The call failed as a whole; claimable again when the message is retried or replayed.</summary>
    public const string Retry = "retry";

    /// <summary>No Moodle web service configured.</summary>
    public const string NotSent = "not-sent";
}

/// <summary>How one delivery ended: a state of <see cref="DeliveryStates"/>, Moodle's msgid, a readable reason.</summary>
public sealed record DeliveryOutcome(long UserId, string State, long? MoodleMessageId = null, string? Reason = null);

/// <summary>One line of `mofa-sync notifications`.</summary>
public sealed record NotificationStatus(
    string NotificationId,
    string Site,
    long CourseId,
    string Kind,
    string ModuleKind,
    long CmId,
    string? ItemName,
    DateTimeOffset ReceivedAt,
    string DigestId,
    string DigestState,
    int Recipients,
    int Delivered,
    int Failed,
    int NotSent,
    int Waiting,
    int Interrupted,
    IReadOnlyList<string> Reasons);
