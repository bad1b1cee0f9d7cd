namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// Why a message was dead-lettered: the exception type and message MassTransit recorded. Failures
/// are grouped by its <see cref="Rule"/>, the same text with the message's own values taken out. Skipped messages have no
/// exception; their reason says so, and so does a message the broker dead-lettered itself (x-death).
/// </summary>
public sealed record FailureReason(string? ExceptionType, string Message)
{
    /// <param name="deliveryLimit">RabbitMq:DeliveryLimit, to say how often a message the broker dead-lettered for it was delivered.</param>
    public static FailureReason Of(IDictionary<string, object?>? headers, int? deliveryLimit = null)
    {
        var type = DeadLetterHeaders.Text(headers, DeadLetterHeaders.ExceptionType);
        var message = DeadLetterHeaders.Text(headers, DeadLetterHeaders.Message);
        if (type is not null || message is not null) return new FailureReason(type, message ?? string.Empty);
        if (BrokerDeath.Of(headers) is { } death) return new FailureReason(null, death.Explain(deliveryLimit));

        return DeadLetterHeaders.Text(headers, DeadLetterHeaders.Reason) switch
        {
            "skip" => new FailureReason(null, "skipped: no consumer on the queue took this message type"),
            null => new FailureReason(null, "no reason recorded"),
            var other => new FailureReason(null, $"MT-Reason: {other}"),
        };
    }

    /// <summary>The exception's short type name and its message: what the tables show.</summary>
    public string Text => ExceptionType is null ? Message : $"{ShortType}: {Message}";

    /// <summary>The full type name and the message: what --reason searches in.</summary>
    public string FullText => ExceptionType is null ? Message : $"{ExceptionType}: {Message}";

    public string ShortType => ExceptionType is null ? string.Empty : ExceptionType[(ExceptionType.LastIndexOf('.') + 1)..];

    public bool Contains(string text) => FullText.Contains(text, StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason with the message's own values taken out (<see cref="ReasonRule"/>): what `dlq list` groups by.</summary>
    public FailureReason Rule => this with { Message = ReasonRule.Of(ExceptionType, Message) };
}
