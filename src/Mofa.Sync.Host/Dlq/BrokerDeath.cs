using System.Collections;
using System.Globalization;
using System.Text;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// What RabbitMQ itself records when it dead-letters a message (the x-death header, newest entry
/// first): why, from which queue, how often, when. A quorum queue's delivery limit writes reason
/// "delivery_limit"; MassTransit is not involved then, so there are no MT-Fault headers.
/// </summary>
public sealed record BrokerDeath(string Reason, string? Queue, long Count, DateTimeOffset? Time)
{
    public const string Header = "x-death";

    /// <summary>The latest dead-lettering in the headers, or null when RabbitMQ never dead-lettered the message.</summary>
    public static BrokerDeath? Of(IDictionary<string, object?>? headers)
    {
        if (headers is null || !headers.TryGetValue(Header, out var value) || value is not IList { Count: > 0 } deaths) return null;
        if (deaths[0] is not IDictionary<string, object?> latest) return null;
        var reason = DeadLetterHeaders.Text(latest, "reason") ?? "unknown";
        DateTimeOffset? time = latest.TryGetValue("time", out var t) && t is AmqpTimestamp stamp ? DateTimeOffset.FromUnixTimeSeconds(stamp.UnixTime) : null;
        return new BrokerDeath(reason, DeadLetterHeaders.Text(latest, "queue"),
            long.TryParse(DeadLetterHeaders.Text(latest, "count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 1,
            time);
    }

    /// <summary>
    /// The reason in plain words. The message does not say how often it was delivered (the
    /// x-delivery-count it carries is the _error queue's own): a quorum queue dead-letters on the
    /// delivery after the limit, so with the configured <paramref name="deliveryLimit"/> that is limit + 1.
    /// </summary>
    public string Explain(int? deliveryLimit)
    {
        var text = new StringBuilder();
        text.Append(Reason switch
        {
            "delivery_limit" => deliveryLimit is { } limit
                ? $"delivered {limit + 1} times without being acknowledged (more than RabbitMq:DeliveryLimit={limit}): each consumer that took it crashed or lost its connection first"
                : "delivered more times than the queue's delivery limit without being acknowledged: each consumer that took it crashed or lost its connection first",
            "rejected" => "rejected by a consumer without being requeued",
            "expired" => "expired in the queue (message TTL)",
            "maxlen" => "dropped from the head of a full queue (max length)",
            _ => $"dead-lettered by the broker ({Reason})",
        });
        if (Queue is not null) text.Append(CultureInfo.InvariantCulture, $" in {Queue}");
        return text.ToString();
    }
}
