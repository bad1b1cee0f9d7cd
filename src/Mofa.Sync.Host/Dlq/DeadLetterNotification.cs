using System.Text.Json;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// A NotificationRequested parked in the notification queue's _error queue, read out of the
/// MassTransit envelope it travels in, so that `dlq show notifications` can say which course, which
/// teachers and which changes it is about instead of printing the envelope cut short.
/// </summary>
public static class DeadLetterNotification
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The notification, or null when the body is not one (then the body is shown as it is).</summary>
    public static NotificationRequested? Of(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var message = root.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
            return message.Deserialize<NotificationRequested>(Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>One change in words: "created quiz 'Week 1 quiz' (cm 100)".</summary>
    public static string Describe(NotifiedChange change) =>
        $"{change.Kind} {change.ModuleKind} {(change.ItemName is null ? "(name not known)" : $"'{change.ItemName}'")} (cm {change.CmId})";
}
