namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// The service's clock in unix seconds, read at most once a second rather than for every message:
/// the time bound may lag the clock by up to a second.
/// </summary>
internal static class ServiceClock
{
    private sealed record Reading(long ValidUntil, long UnixSeconds);

    private static Reading _last = new(long.MinValue, 0);

    public static long UnixSeconds()
    {
        var last = Volatile.Read(ref _last);
        var ticks = Environment.TickCount64;
        if (ticks < last.ValidUntil) return last.UnixSeconds;

        var fresh = new Reading(ticks + 1000, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Volatile.Write(ref _last, fresh);
        return fresh.UnixSeconds;
    }
}
