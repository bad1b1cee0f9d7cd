namespace Mofa.Sync.Bench;

/// <summary>Publish-to-applied latency percentiles (nearest rank), in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary Of(List<long> ticks)
    {
        if (ticks.Count == 0) return new LatencySummary(0, 0, 0, 0, 0);
        ticks.Sort();
        return new LatencySummary(ticks.Count, Ms(At(ticks, 0.50)), Ms(At(ticks, 0.95)), Ms(At(ticks, 0.99)), Ms(ticks[^1]));
    }

    private static long At(List<long> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Ms(long ticks) => Math.Round(TimeSpan.FromTicks(ticks).TotalMilliseconds, 2);

    /// <summary>The line the service child prints, and its reading by the bench.</summary>
    public string ToLine() => FormattableString.Invariant($"{Count} {P50Ms} {P95Ms} {P99Ms} {MaxMs}");

    public static LatencySummary Parse(string line)
    {
        var p = line.Split(' ');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new LatencySummary(int.Parse(p[0], inv), double.Parse(p[1], inv), double.Parse(p[2], inv), double.Parse(p[3], inv), double.Parse(p[4], inv));
    }
}
