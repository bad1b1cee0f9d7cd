using System.Globalization;
using System.Text;

namespace Mofa.Sync.Contracts.Text;

/// <summary>
/// What a name from Moodle may hold: any text but control characters (tab and line feed excepted)
/// and the bidirectional embedding, override and isolate controls. Those are how a name attacks a
/// reader: ESC starts a terminal escape sequence (clear the screen, set the window title), CR and
/// BEL overwrite or disturb a line, NUL cuts a string short in C-based tools, and U+202E
/// (right-to-left override) makes "photo\u202Egpj.exe" read as "photoexe.jpg". They have no place
/// in a name, so a message carrying one is rejected, never silently cleaned (docs/contract.md).
/// </summary>
public static class PlainText
{
    /// <summary>Whether a name may hold the character.</summary>
    public static bool IsAllowed(char c) => c is '\t' or '\n' || !(IsControl(c) || IsBidiControl(c));

    /// <summary>C0 controls, DEL and the C1 controls (which some terminals read as escape sequences too).</summary>
    public static bool IsControl(char c) => c < '\u0020' || c is >= '\u007F' and <= '\u009F';

    /// <summary>LRE, RLE, PDF, LRO, RLO (U+202A–U+202E) and LRI, RLI, FSI, PDI (U+2066–U+2069).</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>Null when the value is plain text, else the first character it may not hold and where (1-based).</summary>
    public static string? FindForbidden(string? value)
    {
        if (value is null) return null;
        for (var i = 0; i < value.Length; i++)
        {
            if (!IsAllowed(value[i])) return $"{Describe(value[i])} at character {i + 1}";
        }

        return null;
    }

    public static bool IsPlain(string? value) => FindForbidden(value) is null;

    /// <summary>
    /// The value without the characters a name may not hold, for text that is shown rather than
    /// judged: what Moodle itself answers (reconcile), what a teacher reads. A bridge message
    /// carrying them is rejected instead.
    /// </summary>
    public static string Clean(string value) => IsPlain(value) ? value : string.Concat(value.Where(IsAllowed));

    /// <summary>U+001B (ESC), U+202E (RIGHT-TO-LEFT OVERRIDE): a character named the way a reader can look it up.</summary>
    public static string Describe(char c)
    {
        var code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        var name = c switch
        {
            '\0' => "NUL",
            '\a' => "BEL",
            '\b' => "BACKSPACE",
            '\r' => "CR",
            '\u001B' => "ESC",
            '\u007F' => "DEL",
            '\u009B' => "CSI",
            '\u202A' => "LEFT-TO-RIGHT EMBEDDING",
            '\u202B' => "RIGHT-TO-LEFT EMBEDDING",
            '\u202C' => "POP DIRECTIONAL FORMATTING",
            '\u202D' => "LEFT-TO-RIGHT OVERRIDE",
            '\u202E' => "RIGHT-TO-LEFT OVERRIDE",
            '\u2066' => "LEFT-TO-RIGHT ISOLATE",
            '\u2067' => "RIGHT-TO-LEFT ISOLATE",
            '\u2068' => "FIRST STRONG ISOLATE",
            '\u2069' => "POP DIRECTIONAL ISOLATE",
            _ => "a control character",
        };
        return $"U+{code} ({name})";
    }

    /// <summary>
    /// The value with every character a name may not hold written as \uXXXX (and, with
    /// <paramref name="oneLine"/>, tab and line feed too), and so is a lone surrogate (half of a
    /// pair, which no encoder can write): safe in a log line, a header or a terminal. The one
    /// sanitizer for wire values: every reason, log line and printout that quotes one goes through it.
    /// </summary>
    public static string Escape(string value, bool oneLine = true)
    {
        var first = FirstToEscape(value, oneLine);
        if (first < 0) return value;
        var text = new StringBuilder(value.Length + 16);
        text.Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
            }
            else if (MustEscape(value, i, oneLine))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static int FirstToEscape(string value, bool oneLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (MustEscape(value, i, oneLine)) return i;
        }

        return -1;
    }

    /// <summary>For a character that is not the first half of a whole pair.</summary>
    private static bool MustEscape(string value, int i, bool oneLine)
    {
        var c = value[i];
        return !IsAllowed(c) || (oneLine && c is '\t' or '\n') || char.IsSurrogate(c);
    }
}
