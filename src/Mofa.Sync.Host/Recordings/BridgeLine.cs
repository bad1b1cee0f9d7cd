using System.Text;
using System.Text.Json;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Host.Recordings;

/// <summary>One recorded bridge message: its routing key, body and message id.</summary>
public sealed record BridgeLine(string RoutingKey, byte[] Body, string? MessageId)
{
    /// <summary>
    /// Reads a line of a .jsonl recording. The routing key comes from the body's eventName unless
    /// <paramref name="fixedRoutingKey"/> is given; the message id is the body's eventId.
    /// </summary>
    public static BridgeLine FromJsonLine(string line, string? fixedRoutingKey, int lineNumber)
    {
        string? eventName = null, eventId = null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("eventName", out var n) && n.ValueKind == JsonValueKind.String) eventName = n.GetString();
                if (doc.RootElement.TryGetProperty("eventId", out var i) && i.ValueKind == JsonValueKind.String) eventId = i.GetString();
            }
        }
        catch (JsonException) when (fixedRoutingKey is not null)
        {
            // Published as it is: recording a broken message on purpose is allowed with --routing-key.
        }
        catch (JsonException ex)
        {
            throw new FormatException($"line {lineNumber}: not JSON ({ex.Message.Split(" Path:")[0]})");
        }

        var routingKey = fixedRoutingKey ?? BridgeRoutingKeys.FromEventName(eventName)
            ?? throw new FormatException($"line {lineNumber}: no routing key: eventName '{eventName}' is not of the form \\component\\event\\name (use --routing-key to set one)");
        return new BridgeLine(routingKey, Encoding.UTF8.GetBytes(line), eventId);
    }
}
