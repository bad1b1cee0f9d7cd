using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Mirror;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// The one consumer on every agent's queue. Bridge bodies carry no MassTransit message type, so each
/// delivery arrives as a <see cref="BridgeMessage"/>; the consumer reads it once (limits, routing key →
/// contract, parse, validate: <see cref="BridgeMessageReader"/>), leaves out what is not course content
/// (<see cref="CourseContentScope"/>), and hands the typed message to its contract's handler, found through
/// DI. It returns (and MassTransit acknowledges) only after the handler's writes have committed. An invalid
/// message throws <see cref="Parsing.InvalidBridgeMessageException"/>, which no retry policy retries.
/// </summary>
public sealed class BridgeEventConsumer(
    BridgeMessageReader reader,
    IServiceProvider services,
    CourseContentScope scope,
    SyncMetrics metrics,
    HealthSignals health,
    ILogger<BridgeEventConsumer> logger) : IConsumer<BridgeMessage>
{
    public async Task Consume(ConsumeContext<BridgeMessage> context)
    {
        var parsed = reader.Read(context);

        var attempt = DeliveryAttempts.Next(context);
        if (attempt == 0) metrics.Received(parsed.Kind);
        var ignored = parsed.Event is null ? parsed.IgnoredBecause : scope.Excludes(parsed.Event);
        if (parsed.Event is null || parsed.Subscription is null || ignored is not null)
        {
            metrics.Outcome(parsed.Kind, "ignored");
            logger.LogDebug("Ignored {Kind} {MessageId}: {Why}", Echo.Cut(parsed.Kind), context.MessageId, ignored);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        ApplyResult result;
        try
        {
            result = await parsed.Subscription.HandleAsync(services, parsed.Event, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Applying {Kind} {EventId} failed (attempt {Attempt}): {Message}",
                parsed.Kind, parsed.Event.EventId, attempt + 1, ex.Message);
            // Counted as faulted once, when it is moved to _error (SyncMetrics.DeadLettered), not per attempt.
            // Moodle's failures are the sites' health (SiteHealth), not the store's.
            if (ex is not MoodleException) health.StoreWrites.Failed(ex.Message);
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
