using System.Collections.Concurrent;
using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// Paces reconciling per site, for the command, the agent and the rolling pass alike: at most
/// Reconcile:ConcurrentCourses courses of a site in work at once in this process, and at most
/// Reconcile:CallsPerSecond web service calls to the site for all processes together: each call takes the next
/// slot of the site's budget in the store (<see cref="IReconcileStateStore.ReserveCallAsync"/>), so N instances on
/// one store send a site the configured rate, not N times it. The rolling pass's calls (<see cref="ReconcileWork.Rolling"/>)
/// take only a slot nobody else has taken: rolling work yields to event-driven reconciles.
/// </summary>
public sealed class SitePacer(ReconcileOptions options, IReconcileStateStore budget, TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _courses = new(StringComparer.Ordinal);

    /// <summary>Waits for a course slot on <paramref name="site"/>; dispose the result to give it back.</summary>
    public async Task<IDisposable> CourseSlotAsync(string site, CancellationToken ct)
    {
        var slots = _courses.GetOrAdd(site, _ => new SemaphoreSlim(options.ConcurrentCourses));
        await slots.WaitAsync(ct);
        return new Release(slots);
    }

    /// <summary>Waits until one more call to <paramref name="site"/> fits in its budget, and counts it for the current work.</summary>
    public async Task CallAsync(string site, CancellationToken ct)
    {
        var work = ReconcileWork.Current;
        var interval = options.CallInterval;
        while (true)
        {
            var slot = await budget.ReserveCallAsync(site, interval, yieldToOthers: work?.Rolling == true, clock, ct);
            if (slot is { } at)
            {
                var wait = at - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
                work?.CountCall();
                return;
            }

            // Rolling work and the budget is in use: look again one slot later.
            await Task.Delay(interval, clock, ct);
        }
    }

    /// <summary>
    /// A call to <paramref name="site"/> outside reconciling (a notification's): takes the budget's slot when nobody has
    /// taken it, without waiting for one, so the rolling pass yields to it; never delays the call, never fails it.
    /// </summary>
    public async Task NoteOtherCallAsync(string site, CancellationToken ct)
    {
        try
        {
            await budget.ReserveCallAsync(site, options.CallInterval, yieldToOthers: true, clock, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The budget is only advice here: the notification goes out whatever the store says.
        }
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release();
        }
    }

    public void Dispose()
    {
        foreach (var courses in _courses.Values) courses.Dispose();
    }
}
