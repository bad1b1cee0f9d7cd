using System.Text;
using System.Text.Unicode;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// A dead-lettered body as an operator may safely read it on a terminal: UTF-8 text is cut short
/// and its control characters are written as \uXXXX (so no escape sequence reaches the terminal);
/// a body that is not UTF-8 text (or holds NUL bytes) is shown as hex.
/// </summary>
public static class BodyPreview
{
    public static string Of(ReadOnlySpan<byte> body, int maxChars)
    {
        if (body.IsEmpty) return "(empty body)";
        if (!Utf8.IsValid(body) || body.Contains((byte)0)) return Hex(body, maxChars);

        // At most four bytes a character: decoding this much gives maxChars characters, not the whole body.
        var prefix = body[..Math.Min(body.Length, (maxChars + 1) * 4)];
        var text = Encoding.UTF8.GetString(prefix).TrimEnd('\uFFFD');
        var cut = text.Length <= maxChars && prefix.Length == body.Length ? text : text[..Math.Min(text.Length, maxChars)] + "…";
        return PlainText.Escape(cut, oneLine: false);
    }

    private static string Hex(ReadOnlySpan<byte> body, int maxChars)
    {
        var shown = Math.Max(1, Math.Min(body.Length, maxChars / 3));
        var hex = Convert.ToHexString(body[..shown]).ToLowerInvariant();
        var pairs = string.Join(' ', Enumerable.Range(0, shown).Select(i => hex.Substring(i * 2, 2)));
        return $"(binary body, {body.Length} bytes, not UTF-8 text; {(shown < body.Length ? $"the first {shown}" : "all")} in hex) {pairs}{(shown < body.Length ? " …" : "")}";
    }
}
