using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// Text that came from a message or the mirror, made safe to print: control characters and
/// bidirectional overrides written as \uXXXX, so no escape sequence (clear screen, window title)
/// reaches the operator's terminal and a line reads as it is.
/// </summary>
internal static class SafeText
{
    /// <summary>For Spectre.Console markup: also escapes its [ and ].</summary>
    public static string Markup(string? text) => Spectre.Console.Markup.Escape(PlainText.Escape(text ?? string.Empty));

    /// <summary>For Console.WriteLine.</summary>
    public static string Plain(string? text) => PlainText.Escape(text ?? string.Empty);
}
