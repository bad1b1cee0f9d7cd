using System.Globalization;
using System.Text.Json;

namespace Mofa.Sync.Moodle.Functions;

/// <summary>
/// Calls core_message_send_instant_messages on one configured site, through the shared
/// <see cref="MoodleWebServiceCaller"/> (that site's address, its token, no redirects), and reads
/// the answer into one result per message: a msgid each, -1 with an errormessage for a recipient that failed.
/// </summary>
public sealed class MoodleMessageClient(MoodleWebServiceCaller caller)
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
        return ReadResults(body)
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

    /// <summary>
    /// The per-message results, or null when the body is not a list of them as Moodle's
    /// external_multiple_structure describes: an object per message whose msgid is an integer
    /// (PARAM_INT), whose clientmsgid and errormessage are strings when present.
    /// </summary>
    public static IReadOnlyList<MoodleMessageResult>? ReadResults(string body)
    {
        if (!MoodleAnswer.TryParse(body, out var root) || root.ValueKind != JsonValueKind.Array) return null;
        var results = new List<MoodleMessageResult>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) return null;
            if (!item.TryGetProperty("msgid", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var msgId)) return null;
            if (!OptionalString(item, "clientmsgid", out var clientMsgId) || !OptionalString(item, "errormessage", out var error)) return null;
            results.Add(new MoodleMessageResult(msgId, clientMsgId, error));
        }

        return results;
    }

    /// <summary>False when the property is there with another type than a string (or null).</summary>
    private static bool OptionalString(JsonElement item, string name, out string? value)
    {
        value = null;
        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.String) return false;
        value = v.GetString();
        return true;
    }
}
