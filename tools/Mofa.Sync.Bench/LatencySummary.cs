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

    /// <summary>The child's "latencies" answer: the whole, then the two parts, separated by " | ".</summary>
    public static string ToLine(LatencyTicks ticks) =>
        string.Join(" | ", Of(ticks.Total).ToLine(), Of(ticks.Waiting).ToLine(), Of(ticks.InService).ToLine());

    public static (LatencySummary Total, LatencySplit Split) ParseAll(string line)
    {
        var parts = line.Split(" | ");
        return (Parse(parts[0]), new LatencySplit(Parse(parts[1]), Parse(parts[2])));
    }

    public static LatencySummary Parse(string line)
    {
        var p = line.Split(' ');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new LatencySummary(int.Parse(p[0], inv), double.Parse(p[1], inv), double.Parse(p[2], inv), double.Parse(p[3], inv), double.Parse(p[4], inv));
    }
}

/// <summary>
/// Where the publish-to-applied time went: <see cref="Waiting"/> until the consumer started on the
/// message (the broker, the prefetch buffer, a free consumer slot), <see cref="InService"/> from
/// there to applied (parse, validate, apply, waiting for and taking part in the group commit).
/// </summary>
public sealed record LatencySplit(LatencySummary Waiting, LatencySummary InService)
{
    public string Describe() => FormattableString.Invariant(
        $"until the consumer starts p50 {Waiting.P50Ms:0.0} / p99 {Waiting.P99Ms:0.0} ms; consumer start to applied p50 {InService.P50Ms:0.0} / p99 {InService.P99Ms:0.0} ms");
}
