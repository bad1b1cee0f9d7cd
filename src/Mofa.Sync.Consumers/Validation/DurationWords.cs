namespace Mofa.Sync.Consumers.Validation;

/// <summary>Durations in words for reasons: "3 hours 5 minutes", "40 seconds".</summary>
internal static class DurationWords
{
    public static string Of(TimeSpan t)
    {
        if (t.TotalDays >= 1) return Pair((long)t.TotalDays, "day", t.Hours, "hour");
        if (t.TotalHours >= 1) return Pair((long)t.TotalHours, "hour", t.Minutes, "minute");
        if (t.TotalMinutes >= 1) return Pair((long)t.TotalMinutes, "minute", t.Seconds, "second");
        return Unit((long)Math.Max(0, t.TotalSeconds), "second");
    }

    private static string Pair(long a, string aUnit, long b, string bUnit) => b == 0 ? Unit(a, aUnit) : $"{Unit(a, aUnit)} {Unit(b, bUnit)}";

    private static string Unit(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
