using System.Text.RegularExpressions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// A reason's rule: its text with the values a message brought taken out, so that `dlq list`
/// groups messages by what is wrong, not by what each one carried ("courseId must be a positive
/// Moodle id (got …)" once for three hundred messages, not three hundred groups). The contract's
/// reasons (InvalidBridgeMessageException) quote values in '…', after "got" and as numbers; other
/// failures (the store, Moodle) keep their words and lose only addresses and "(got …)" values.
/// </summary>
public static partial class ReasonRule
{
    private const string InvalidMessage = "InvalidBridgeMessageException";
    private const string Elided = "…";

    public static string Of(string? exceptionType, string message)
    {
        var rule = GotQuoted().Replace(message, $"(got '{Elided}')");
        rule = Got().Replace(rule, $"(got {Elided})");
        rule = Found().Replace(rule, $"(found {Elided})");
        rule = Address().Replace(rule, Elided);
        if (exceptionType?.EndsWith(InvalidMessage, StringComparison.Ordinal) == true)
        {
            rule = Quoted().Replace(rule, $"'{Elided}'");
            rule = Number().Replace(rule, "N");
        }

        return rule;
    }

    /// <summary>(got 'javascript:alert(1)'): a quoted value may hold parentheses, so up to the quote before the bracket.</summary>
    [GeneratedRegex(@"\(got '.*?'(?:… \(\d+ characters\))?\)")]
    private static partial Regex GotQuoted();

    [GeneratedRegex(@"\(got (?!')[^)]*\)")]
    private static partial Regex Got();

    /// <summary>(found U+001B (ESC) at character 1)</summary>
    [GeneratedRegex(@"\(found U\+[0-9A-F]{4} \([^)]*\) at character \d+\)")]
    private static partial Regex Found();

    [GeneratedRegex(@"https?://[^\s'"")]+")]
    private static partial Regex Address();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex Quoted();

    /// <summary>A number standing alone: not part of a name (utf8, U+001B, MaxBodyBytes) or a date or time (2000-01-01, 00:05:00).</summary>
    [GeneratedRegex(@"(?<![\w.+\-/:])-?\d[\d,]*(?:\.\d+)?(?![\w\-:])")]
    private static partial Regex Number();
}
