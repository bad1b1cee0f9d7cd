namespace Mofa.Sync.Mirror.Notifications;

/// <summary>
/// Set by a store adapter once a write that recorded a change into a digest due at once (a zero
/// window, <see cref="ChangeOutboxSettings.DueAtOnce"/>) has committed; what
/// <see cref="INotificationStore.WaitForDueDigestAsync"/> waits on, so that the outbox's publisher
/// looks then rather than at its next interval. Any number of sets before a wait ends ask for one look.
/// </summary>
public sealed class DueDigestSignal
{
    private TaskCompletionSource _next = NewSignal();

    /// <summary>A digest is due now (called after the commit that recorded it).</summary>
    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>
    /// Completes when the signal is set, or after <paramref name="maxWait"/>; it is reset before it
    /// completes, so a set after that asks for the next look, and one before it is seen by this look.
    /// </summary>
    public async Task WaitAsync(TimeSpan maxWait, CancellationToken ct)
    {
        var current = Volatile.Read(ref _next);
        try
        {
            await current.Task.WaitAsync(maxWait, ct);
        }
        catch (TimeoutException)
        {
            return;
        }

        Interlocked.CompareExchange(ref _next, NewSignal(), current);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
