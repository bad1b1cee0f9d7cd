using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>
/// The notification store of a process that is to die in the digest publisher: its own
/// notification consumer never claims a delivery (the claim waits for ever), so the copy it may
/// receive before the kill stays unacknowledged and unclaimed, whichever of the publisher and the
/// consumer is faster. A claimed delivery found in flight after a restart is never sent again.
/// </summary>
public sealed class UnclaimedDeliveries(INotificationStore real) : INotificationStore
{
    public async Task<IReadOnlyList<long>> ClaimAsync(string digestId, int max, DateTimeOffset now, CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return [];
    }

    public Task InitializeAsync(CancellationToken ct) => real.InitializeAsync(ct);

    public Task<RecordedNotification> RecordAsync(DigestChange change, TimeSpan window, DateTimeOffset now, CancellationToken ct) =>
        real.RecordAsync(change, window, now, ct);

    public Task WaitForDueDigestAsync(TimeSpan maxWait, CancellationToken ct) => real.WaitForDueDigestAsync(maxWait, ct);

    public Task<IReadOnlyList<string>> DueDigestsAsync(DateTimeOffset now, int max, CancellationToken ct) => real.DueDigestsAsync(now, max, ct);

    public Task MarkPublishedAsync(IReadOnlyList<string> digestIds, DateTimeOffset now, CancellationToken ct) => real.MarkPublishedAsync(digestIds, now, ct);

    public Task<ClosedDigest?> CloseAsync(string digestId, DateTimeOffset now, CancellationToken ct) => real.CloseAsync(digestId, now, ct);

    public Task RecordOutcomesAsync(string digestId, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken ct) =>
        real.RecordOutcomesAsync(digestId, outcomes, now, ct);

    public Task<IReadOnlyList<NotificationStatus>> RecentAsync(int limit, CancellationToken ct) => real.RecentAsync(limit, ct);

    /// <summary>Nothing: the container disposes the real store under the adapter's own registration.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
