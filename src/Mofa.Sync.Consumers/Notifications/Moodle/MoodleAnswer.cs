using System.Text.Json;


namespace Mofa.Sync.Consumers.Notifications.Moodle;

/// <summary>
/// Reads Moodle's REST answers as Moodle gives them: an error is HTTP 200 with
/// {"exception","errorcode","message"}; core_message_send_instant_messages succeeds with one
/// result per message, each a msgid (-1 with an errormessage for a recipient that failed).
/// </summary>
public static class MoodleAnswer
{
    /// <summary>A web service error answer.</summary>
    public sealed record Error(string ExceptionClass, string ErrorCode, string Message)
    {
        public bool IsPermanent => MoodleErrorCodes.IsPermanent(ErrorCode, ExceptionClass);
    }

    /// <summary>The error in <paramref name="body"/>, or null when it is not an error answer.</summary>
    public static Error? ReadError(string body)
    {
        if (!TryParse(body, out var root) || root.ValueKind != JsonValueKind.Object) return null;
        if (!root.TryGetProperty("exception", out var exception)) return null;
        return new Error(
            exception.ValueKind == JsonValueKind.String ? exception.GetString()! : "",
            root.TryGetProperty("errorcode", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : "",
            root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()! : "");
    }

    /// <summary>
    /// The per-message results, or null when the body is not a list of them as Moodle's
    /// external_multiple_structure describes: an object per message whose msgid is an integer
    /// (PARAM_INT), whose clientmsgid and errormessage are strings when present.
    /// </summary>
    public static IReadOnlyList<MoodleMessageResult>? ReadResults(string body)
    {
        if (!TryParse(body, out var root) || root.ValueKind != JsonValueKind.Array) return null;
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

    private static bool TryParse(string body, out JsonElement root)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }
}
