namespace Mofa.Sync.Moodle;

/// <summary>Replaces a secret (raw or URL-encoded) in a text meant for a log, an error message or a header.</summary>
public static class SecretRedaction
{
    public const string Mask = "***";

    public static string Redact(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text)) return text;
        var redacted = text.Replace(secret, Mask, StringComparison.Ordinal);
        var encoded = Uri.EscapeDataString(secret);
        return encoded == secret ? redacted : redacted.Replace(encoded, Mask, StringComparison.Ordinal);
    }
}
