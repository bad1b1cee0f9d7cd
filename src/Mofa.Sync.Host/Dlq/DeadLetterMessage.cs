using System.Security.Cryptography;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
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

    /// <summary>
    /// The queue a replay sends it back to: the one this dead-letter queue belongs to (X_error → X),
    /// whatever its headers say. MT-Fault-InputAddress is only shown: anyone who can publish to
    /// the dead-letter queue can write it, and a replay runs with the operator's credentials.
    /// </summary>
    public string ReplayQueue => QueueNames.SourceOf(Queue);

    /// <summary>The id of the replay pass that last sent it back (<see cref="FailureHeaders.ReplayPass"/>), if any.</summary>
    public string? ReplayPass => DeadLetterHeaders.Text(Properties.Headers, FailureHeaders.ReplayPass);

    /// <summary>
    /// The routing key the message was first published with, which decides its kind when it is
    /// replayed: the one an earlier replay recorded in its header, else the one MassTransit moved it
    /// to the error queue with. Null when neither is known (a message replayed by a version of
    /// the tool that did not record it: its delivery's routing key is then the queue's name).
    /// </summary>
    public string? OriginalRoutingKey =>
        Consumers.Parsing.OriginalRoutingKey.Read(Properties.Headers)
        ?? (RoutingKey.Length > 0 && RoutingKey != ReplayQueue ? RoutingKey : null);

    /// <summary>
    /// What makes two copies the same message: its message-id and its body. An interrupted replay
    /// leaves two copies of a message in the queue (the one it had not yet removed, and the one that
    /// failed again); replaying either is the same.
    /// </summary>
    public string Identity => $"{Properties.MessageId}\n{Convert.ToHexString(SHA256.HashData(Body.Span))}";

    public TimeSpan? Age(DateTimeOffset now) => FailedAt is { } t ? now - t : null;

    /// <summary>The body for reading: text cut to <paramref name="max"/> characters, or a hex preview of a binary body.</summary>
    public string BodyPreview(int max) => Dlq.BodyPreview.Of(Body.Span, max);

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
