using System.Text.Json;

namespace Mofa.Sync.Moodle;

/// <summary>
/// Reads Moodle's REST answers as Moodle gives them: an error is HTTP 200 with
/// {"exception","errorcode","message"} (each function's own answer is read by its client, Functions/).
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

    /// <summary>The body as JSON, or false when it is none.</summary>
    internal static bool TryParse(string body, out JsonElement root)
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
