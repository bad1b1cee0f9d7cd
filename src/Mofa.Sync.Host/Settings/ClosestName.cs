namespace Mofa.Sync.Host.Settings;

/// <summary>The known name a mistyped one was most likely meant to be (options, settings keys), by edit distance.</summary>
public static class ClosestName
{
    /// <summary>The closest of <paramref name="known"/>, ignoring case; null when none is near enough to be a typo.</summary>
    public static string? Of(string typed, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            // A cut-short name ("--older" for "--older-than") is the likeliest meaning of all.
            var distance = name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && typed.Length >= 3 ? 0 : Distance(typed, name);
            if (distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }

        // A one-letter option (-x) is near every other one: no guess there.
        return best is not null && typed.TrimStart('-').Length > 1 && bestDistance <= Math.Max(2, typed.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var same = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]);
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (same ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
