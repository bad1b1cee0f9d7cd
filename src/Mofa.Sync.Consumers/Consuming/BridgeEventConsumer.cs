using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Mirror;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Sites;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Consumers.Validation;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>
/// The agents' consumer: raw body → typed contract → validation → the apply rules. It returns
/// (and MassTransit acknowledges) only after the store has committed the event's writes.
/// An invalid message throws <see cref="InvalidBridgeMessageException"/>, which the definition
/// sends to _error without retries; store failures are retried, then sent to _error.
/// </summary>
public sealed class BridgeEventConsumer(
    MirrorApplier applier,
    MessageLimits limits,
    LargeBodyReclaimer reclaimer,
    SyncMetrics metrics,
    MoodleSites sites,
    IOptions<SyncOptions> options,
    ILogger<BridgeEventConsumer> logger) : IConsumer<BridgeMessage>
{
    private readonly BridgeRules _rules = new(options.Value.MaxClockSkew);

    public async Task Consume(ConsumeContext<BridgeMessage> context)
    {
        var delivery = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rmq) ? rmq : null;
        var routingKey = OriginalRoutingKey.Of(delivery);
        ParsedBridgeMessage parsed;
        try
        {
            // Size, headers, content type and encoding before the body is read at all.
            var body = context.ReceiveContext.Body;
            var refused = rmq is null ? null : limits.Check(body.Length ?? 0, rmq.Properties.Headers, rmq.Properties.ContentType, rmq.Properties.ContentEncoding);
            if (refused is not null)
            {
                if (limits.BodyTooLarge(body.Length ?? 0)) reclaimer.Refused();
                throw new InvalidBridgeMessageException(refused);
            }

            parsed = BridgeMessageParser.Parse(routingKey, body.GetBytes(), _rules, sites);
        }
        catch (InvalidBridgeMessageException ex)
        {
            // Counted here once; the retry filter lets it through to _error at once.
            metrics.Received(routingKey ?? "(none)");
            metrics.Outcome(routingKey ?? "(none)", "invalid");
            logger.LogWarning("Invalid bridge message {MessageId} ({RoutingKey}) sent to the error queue: {Reason}",
                MessageIdOf(delivery, context), routingKey ?? "no routing key", ex.Message);
            throw;
        }

        // Read once: each payload lookup takes a lock that the endpoint's concurrent messages share.
        var attempt = context.GetRetryAttempt();
        if (attempt == 0) metrics.Received(parsed.Kind);
        if (parsed.Event is null)
        {
            metrics.Outcome(parsed.Kind, "ignored");
            logger.LogDebug("Ignored {Kind} {MessageId}: {Why}", parsed.Kind, context.MessageId, parsed.IgnoredBecause);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        ApplyResult result;
        try
        {
            result = await applier.ApplyAsync(parsed.Event, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Applying {Kind} {EventId} failed (attempt {Attempt}): {Message}",
                parsed.Kind, parsed.Event.EventId, attempt + 1, ex.Message);
            if (attempt >= context.GetRetryCount()) metrics.Outcome(parsed.Kind, "faulted");
            throw;
        }

        metrics.ApplyDuration(parsed.Kind, Stopwatch.GetElapsedTime(started));
        metrics.Outcome(parsed.Kind, OutcomeName(result.Outcome));
        logger.LogDebug("{Kind} {EventId}: {Outcome} {Detail}", parsed.Kind, parsed.Event.EventId, result.Outcome, result.Detail);
    }

    /// <summary>The AMQP message-id as the bridge set it (its eventId, not always a GUID), quoted safely for the log.</summary>
    private static string MessageIdOf(RabbitMqBasicConsumeContext? delivery, ConsumeContext context)
    {
        var id = delivery?.Properties.MessageId ?? context.MessageId?.ToString();
        return string.IsNullOrEmpty(id) ? "(no message-id)" : Echo.Cut(id);
    }

    private static string OutcomeName(ApplyOutcome o) => o switch
    {
        ApplyOutcome.Applied => "applied",
        ApplyOutcome.AlreadyApplied => "duplicate",
        ApplyOutcome.Stale => "stale",
        _ => "ignored",
    };
}
