namespace Mofa.Sync.Contracts.Text;

/// <summary>Quotes a bad value back in a reason, cut short: reasons travel in message headers (128 KiB at most).</summary>
public static class Echo
{
    public const int MaxLength = 80;

    /// <summary>Cut to <see cref="MaxLength"/> characters, control characters written as \uXXXX so a reason is safe in a log line or a terminal.</summary>
    public static string Cut(string? value) =>
        value is null ? "null" : value.Length <= MaxLength ? PlainText.Escape(value) : string.Concat(PlainText.Escape(value[..MaxLength]), $"… ({value.Length} characters)");
}
