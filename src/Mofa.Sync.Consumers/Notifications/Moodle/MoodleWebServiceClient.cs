using System.Globalization;
using Mofa.Sync.Consumers.Sites;


namespace Mofa.Sync.Consumers.Notifications.Moodle;

/// <summary>
/// Calls core_message_send_instant_messages on one configured site, through the shared
/// <see cref="MoodleWebServiceCaller"/> (that site's address, its token, no redirects), and reads
/// the answer into one result per message.
/// </summary>
public sealed class MoodleWebServiceClient(MoodleWebServiceCaller caller)
{
    public const string Function = "core_message_send_instant_messages";

    /// <summary>Moodle takes any number, but a call this size stays well under PHP's max_input_vars (1000).</summary>
    public const int MaxMessagesPerCall = 100;

    public async Task<IReadOnlyList<MoodleMessageResult>> SendInstantMessagesAsync(MoodleSite site, IReadOnlyList<MoodleMessage> messages, CancellationToken ct)
    {
        if (messages.Count is 0 or > MaxMessagesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, $"between 1 and {MaxMessagesPerCall} messages a call");
        }

        var body = await caller.CallAsync(site, Function, Parameters(messages), ct);
        return MoodleAnswer.ReadResults(body)
            ?? throw new MoodleUnreadableAnswerException(
                $"Moodle at {site.Url} answered {Function} with something that is not a list of message results, each with an integer msgid (it starts \"{MoodleWebServiceCaller.QuoteStart(site, body)}\"; is it Moodle's REST server?)");
    }

    private static IEnumerable<KeyValuePair<string, string>> Parameters(IReadOnlyList<MoodleMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var p = string.Create(CultureInfo.InvariantCulture, $"messages[{i}]");
            yield return new(p + "[touserid]", m.ToUserId.ToString(CultureInfo.InvariantCulture));
            yield return new(p + "[text]", m.Text);
            yield return new(p + "[textformat]", m.TextFormat.ToString(CultureInfo.InvariantCulture));
            yield return new(p + "[clientmsgid]", m.ClientMessageId);
        }
    }
}
