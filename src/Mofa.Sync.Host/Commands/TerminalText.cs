using System.Globalization;
using System.Text;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// Text from a message, made safe to print: control characters (C0 but tab, DEL, C1) and the
/// Unicode bidi controls are shown as \uXXXX escapes, so no escape sequence or reordering reaches
/// the terminal.
/// </summary>
public static class TerminalText
{
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        if (!text.Any(NeedsEscape)) return text;

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c)) safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else safe.Append(c);
        }

        return safe.ToString();
    }

    private static bool NeedsEscape(char c) =>
        (char.IsControl(c) && c != '\t')
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
