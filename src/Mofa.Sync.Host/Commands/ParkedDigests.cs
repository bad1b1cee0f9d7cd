using System.Text.Json;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Dlq;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// The digests parked in the notifications' _error queue ({prefix}.notifications_error), by digest
/// id (a NotificationRequested's notificationId): their delivery records say "retry", which alone
/// cannot tell a digest being retried from one waiting for `mofa-sync dlq replay notifications`.
/// Read without taking anything off the queue.
/// </summary>
public static class ParkedDigests
{
    /// <summary>More than an operator would want to replay blind; beyond it the first ones are shown as parked.</summary>
    public const int MaxRead = 10_000;

    /// <summary>The parked digests' ids, or null with the reason when the broker cannot be asked.</summary>
    public static async Task<(IReadOnlySet<string>? Ids, string? Unknown)> ReadAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        try
        {
            await using var broker = await DeadLetterBroker.ConnectAsync(rabbit, ct);
            var queue = QueueNames.ErrorOf(QueueNames.Notifications(rabbit.QueuePrefix));
            if (await broker.DepthAsync(queue, ct) is not { Messages: > 0 }) return (new HashSet<string>(), null);
            var parked = await DeadLetterBrowser.PeekAsync(broker, queue, MaxRead, ct);
            return (parked.Select(m => DigestIdOf(m.Body.Span)).OfType<string>().ToHashSet(StringComparer.Ordinal), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The notificationId of a parked NotificationRequested (MassTransit's envelope: message.notificationId).</summary>
    public static string? DigestIdOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var json = JsonDocument.ParseValue(ref reader);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("notificationId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
