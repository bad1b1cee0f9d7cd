using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Mirror;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>
/// What every agent's consumer does with a delivery (Courses/CourseAgentConsumer.cs, …): raw body →
/// typed contract (by its routing key) → validation → the apply rule its route declares. It returns
/// (and MassTransit acknowledges) only after the store has committed the event's writes.
/// An invalid message throws <see cref="InvalidBridgeMessageException"/>, which the definition
/// sends to _error without retries; store failures are retried, then sent to _error.
/// </summary>
public sealed class BridgeEventHandler(
    MirrorApplier applier,
    BridgeMessageReader reader,
    SyncMetrics metrics,
    CourseContentScope scope,
    HealthSignals health,
    ILogger<BridgeEventHandler> logger)
{
    public async Task HandleAsync(ConsumeContext<BridgeMessage> context)
    {
        var parsed = reader.Read(context);

        var attempt = DeliveryAttempts.Next(context);
        if (attempt == 0) metrics.Received(parsed.Kind);
        var ignored = parsed.Event is null ? parsed.IgnoredBecause : scope.Excludes(parsed.Event);
        if (parsed.Event is null || ignored is not null)
        {
            metrics.Outcome(parsed.Kind, "ignored");
            logger.LogDebug("Ignored {Kind} {MessageId}: {Why}", Echo.Cut(parsed.Kind), context.MessageId, ignored);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        ApplyResult result;
        try
        {
            result = await applier.ApplyRoutedAsync(parsed.Event, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Applying {Kind} {EventId} failed (attempt {Attempt}): {Message}",
                parsed.Kind, parsed.Event.EventId, attempt + 1, ex.Message);
            // Counted as faulted once, when it is moved to _error (SyncMetrics.DeadLettered), not per attempt.
            health.StoreWrites.Failed(ex.Message);
            throw;
        }

        health.StoreWrites.Succeeded();

        metrics.ApplyDuration(parsed.Kind, Stopwatch.GetElapsedTime(started));
        metrics.Outcome(parsed.Kind, OutcomeName(result.Outcome));
        logger.LogDebug("{Kind} {EventId}: {Outcome} {Detail}", parsed.Kind, parsed.Event.EventId, result.Outcome, result.Detail);
    }

    private static string OutcomeName(ApplyOutcome o) => o switch
    {
        ApplyOutcome.Applied => "applied",
        ApplyOutcome.AlreadyApplied => "duplicate",
        ApplyOutcome.Stale => "stale",
        _ => "ignored",
    };
}
