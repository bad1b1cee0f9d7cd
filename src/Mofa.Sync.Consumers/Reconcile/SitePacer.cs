using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// Paces reconciling per site, for the command and the agent alike: at most
/// Reconcile:ConcurrentCourses courses of a site in work at once, and at most
/// Reconcile:CallsPerSecond web service calls to it (a token bucket), so a term start's burst of
/// restores does not flood one Moodle.
/// </summary>
public sealed class SitePacer(ReconcileOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, (SemaphoreSlim Courses, RateLimiter Calls)> _sites = new(StringComparer.Ordinal);

    /// <summary>Waits for a course slot on <paramref name="site"/>; dispose the result to give it back.</summary>
    public async Task<IDisposable> CourseSlotAsync(string site, CancellationToken ct)
    {
        var slots = Of(site).Courses;
        await slots.WaitAsync(ct);
        return new Release(slots);
    }

    /// <summary>Waits until one more call to <paramref name="site"/> fits in its rate.</summary>
    public async Task CallAsync(string site, CancellationToken ct)
    {
        using var lease = await Of(site).Calls.AcquireAsync(1, ct);
    }

    private (SemaphoreSlim Courses, RateLimiter Calls) Of(string site) => _sites.GetOrAdd(site, _ =>
    {
        var perSecond = Math.Max(options.CallsPerSecond, 0.01);
        // Tokens added every period: one per 1/rate seconds, at least one per refill.
        var period = TimeSpan.FromSeconds(Math.Max(1 / perSecond, 0.01));
        return (new SemaphoreSlim(options.ConcurrentCourses), new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling(perSecond)),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    });

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
        foreach (var (courses, calls) in _sites.Values)
        {
            courses.Dispose();
            calls.Dispose();
        }
    }
}
