namespace Mofa.Sync.Mirror.Reconciling;

/// <summary>
/// How both stores of <see cref="IReconcileStateStore"/> turn its times into the unix milliseconds they keep, and the
/// arguments they refuse. The call budget rounds up (an interval of 333.3 ms is kept as 334 ms, a slot never falls
/// before the caller's now), so no rounding ever lets two calls come closer than the interval.
/// </summary>
public static class ReconcileStateTimes
{
    /// <summary>An instant as the stores keep it (unix milliseconds, as every *_at of the mirror).</summary>
    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    /// <summary>The first whole millisecond not before <paramref name="now"/>: the earliest slot a reservation may answer.</summary>
    public static long NotBeforeMs(DateTimeOffset now)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms) < now ? ms + 1 : ms;
    }

    /// <summary>A positive span in whole milliseconds, rounded up; <paramref name="name"/> names the argument when it is not positive.</summary>
    public static long PositiveMs(TimeSpan span, string name) => span > TimeSpan.Zero
        ? (long)Math.Ceiling(span.TotalMilliseconds)
        : throw new ArgumentOutOfRangeException(name, span, $"{name} must be positive");

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? At(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    /// <summary>Refuses an empty site or holder (the keys of the state).</summary>
    public static void RequireName(string value, string name) => ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
}
