using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Dlq;

/// <summary>One message read from an _error or _skipped queue, with what its headers say about its failure.</summary>
public sealed record DeadLetterMessage(
    string Queue,
    ulong DeliveryTag,
    string RoutingKey,
    IReadOnlyBasicProperties Properties,
    ReadOnlyMemory<byte> Body,
    string? EventId,
    FailureReason Reason,
    int? RetryCount,
    DateTimeOffset? FailedAt,
    string? InputQueue)
{
    public static DeadLetterMessage From(string queue, BasicGetResult got, int? deliveryLimit = null)
    {
        var headers = got.BasicProperties.Headers;
        var body = got.Body.ToArray();
        var death = BrokerDeath.Of(headers);
        var failedAt = DeadLetterHeaders.Time(headers, DeadLetterHeaders.Timestamp)
            ?? death?.Time
            ?? (got.BasicProperties.Timestamp.UnixTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(got.BasicProperties.Timestamp.UnixTime) : null);
        return new DeadLetterMessage(
            queue,
            got.DeliveryTag,
            got.RoutingKey,
            got.BasicProperties,
            body,
            got.BasicProperties.MessageId ?? EventIdOf(body),
            FailureReason.Of(headers, deliveryLimit),
            DeadLetterHeaders.Integer(headers, DeadLetterHeaders.RetryCount),
            failedAt,
            DeadLetterHeaders.InputQueue(DeadLetterHeaders.Text(headers, DeadLetterHeaders.InputAddress)) ?? death?.Queue);
    }

    /// <summary>The queue a replay sends it back to: where it failed, else the queue this dead-letter queue belongs to.</summary>
    public string ReplayQueue => InputQueue ?? DeadLetterQueues.SourceQueueOf(Queue);

    public TimeSpan? Age(DateTimeOffset now) => FailedAt is { } t ? now - t : null;

    /// <summary>The body as text, cut to <paramref name="max"/> characters.</summary>
    public string BodyPreview(int max)
    {
        var text = Encoding.UTF8.GetString(Body.Span);
        return text.Length <= max ? text : text[..max] + "…";
    }

    /// <summary>The bridge sets message-id = eventId; a body published without it still names its event.</summary>
    private static string? EventIdOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
