using System.Globalization;
using System.Text.RegularExpressions;

namespace Mofa.Sync.Host.Settings;

/// <summary>Durations as operators type them: 90s, 30m, 2h, 7d (or a .NET TimeSpan such as 01:30:00).</summary>
public static partial class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;

        var match = Short().Match(text.Trim());
        if (match.Success)
        {
            var seconds = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * match.Groups[2].Value.ToLowerInvariant() switch
            {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => 7 * 86400,
            };

            // Beyond TimeSpan's range (some 29,000 years) is no duration anyone means.
            if (!(seconds < TimeSpan.MaxValue.TotalSeconds)) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        // A bare number is refused (TimeSpan would read "1" as one day); hh:mm:ss is accepted.
        return text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    /// <summary>A short human form for tables: 45s, 12m, 3h 5m, 2d 4h.</summary>
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalMinutes < 1) return $"{(int)t.TotalSeconds}s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes}m";
        if (t.TotalDays < 1) return $"{(int)t.TotalHours}h {t.Minutes}m";
        return $"{(int)t.TotalDays}d {t.Hours}h";
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([smhdw])$", RegexOptions.IgnoreCase)]
    private static partial Regex Short();
}
