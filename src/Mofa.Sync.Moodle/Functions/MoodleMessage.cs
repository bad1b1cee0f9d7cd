namespace Mofa.Sync.Moodle.Functions;

/// <summary>One entry of core_message_send_instant_messages' messages[] parameter.</summary>
public sealed record MoodleMessage(long ToUserId, string Text, int TextFormat, string ClientMessageId);

/// <summary>
/// Moodle's answer for one message: a positive msgid, or -1 with an errormessage (the user cannot
/// be messaged, no such user).
/// </summary>
public sealed record MoodleMessageResult(long MessageId, string? ClientMessageId, string? ErrorMessage)
{
    public bool Succeeded => MessageId > 0;
}

/// <summary>Moodle's text formats (FORMAT_* in lib/weblib.php).</summary>
public static class MoodleTextFormat
{
    public const int Moodle = 0;
    public const int Html = 1;
    public const int Plain = 2;
}
