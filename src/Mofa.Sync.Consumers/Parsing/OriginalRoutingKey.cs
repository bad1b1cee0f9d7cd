using System.Text;
using MassTransit;

namespace Mofa.Sync.Consumers.Parsing;

/// <summary>
/// The routing key a bridge message was published with, which alone decides its kind. A replay
/// (`mofa-sync dlq replay`) sends a message straight to its agent queue through the default
/// exchange, where the delivery's routing key is the queue's name; the replay carries the original
/// key in the <see cref="Header"/> header instead. Only a message that came through the default
/// exchange is read from the header: one published to the bridge exchange is routed, and so
/// judged, by its own key whatever headers it carries.
/// </summary>
public static class OriginalRoutingKey
{
    public const string Header = "MofaSync-Routing-Key";

    /// <summary>AMQP's limit for a routing key; a longer header value is no routing key.</summary>
    public const int MaxLength = 255;

    /// <summary>The key the message was published with, or null when it came straight to the queue without one.</summary>
    public static string? Of(RabbitMqBasicConsumeContext? delivery)
    {
        if (delivery is null) return null;
        if (delivery.Exchange.Length > 0) return delivery.RoutingKey;
        return Read(delivery.Properties.Headers);
    }

    /// <summary>
    /// The key of any delivery: a RabbitMQ delivery's as <see cref="Of(RabbitMqBasicConsumeContext?)"/> reads it,
    /// else the header among the transport's headers.
    /// </summary>
    public static string? Of(ReceiveContext receive) =>
        receive.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery) ? Of(delivery)
        : receive.TransportHeaders.TryGetHeader(Header, out var value) ? KeyOf(value) : null;

    /// <summary>The header's value: strings arrive from the broker as UTF-8 bytes.</summary>
    public static string? Read(IDictionary<string, object?>? headers) =>
        headers is not null && headers.TryGetValue(Header, out var value) ? KeyOf(value) : null;

    private static string? KeyOf(object? value)
    {
        var text = value switch
        {
            byte[] bytes when bytes.Length <= MaxLength => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        };
        return string.IsNullOrEmpty(text) || text.Length > MaxLength ? null : text;
    }
}
