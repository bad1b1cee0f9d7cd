using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// How every agent reads a delivery, so that no agent's queue accepts what another's refuses: the
/// limits (size, header table, content type and encoding) before the body is read at all, then the
/// parser with the original routing key, the rules' settings and the configured Moodle sites. An
/// invalid message is counted and logged here, once, and thrown as
/// <see cref="InvalidBridgeMessageException"/>, which the definitions send to _error without retries.
/// </summary>
public sealed class BridgeMessageReader(
    BridgeSubscriptions subscriptions,
    MessageLimits limits,
    LargeBodyReclaimer reclaimer,
    SyncMetrics metrics,
    MoodleSites sites,
    IOptions<SyncOptions> options,
    ILogger<BridgeMessageReader> logger)
{
    private readonly ValidationSettings _settings = new(options.Value.MaxClockSkew);

    public ParsedBridgeMessage Read(ConsumeContext context)
    {
        var delivery = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rmq) ? rmq : null;
        var routingKey = OriginalRoutingKey.Of(context.ReceiveContext);
        try
        {
            var body = context.ReceiveContext.Body;
            var refused = delivery is null ? null
                : limits.Check(body.Length ?? 0, delivery.Properties.Headers, delivery.Properties.ContentType, delivery.Properties.ContentEncoding);
            if (refused is not null)
            {
                if (limits.BodyTooLarge(body.Length ?? 0)) reclaimer.Refused();
                throw new InvalidBridgeMessageException(refused);
            }

            var subscription = subscriptions.Find(routingKey);
            if (ForeignKind(subscription, routingKey, context.ReceiveContext.InputAddress) is { } foreign) throw new InvalidBridgeMessageException(foreign);

            return BridgeMessageParser.Parse(routingKey, subscription, body.GetBytes(), _settings, sites);
        }
        catch (InvalidBridgeMessageException ex)
        {
            metrics.Received(routingKey ?? "(none)");
            metrics.Outcome(routingKey ?? "(none)", "invalid");
            logger.LogWarning("Invalid bridge message {MessageId} ({RoutingKey}) sent to the error queue: {Reason}",
                MessageIdOf(delivery, context), routingKey is null ? "no routing key" : Echo.Cut(routingKey), ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Why a kind another agent declares may not be read here, or null. The bridge exchange routes
    /// each kind to its own agent's queue only; one that reached another queue (sent straight to it
    /// with the routing-key header, or through another exchange) would be applied by the wrong
    /// agent, or dropped unread by the reconcile agent. Kinds no agent declares stay ignored.
    /// </summary>
    private string? ForeignKind(BridgeSubscription? route, string? routingKey, Uri inputAddress)
    {
        if (route is null) return null;
        var queue = BoundedErrorTransportFilter.QueueOf(inputAddress);
        if (QueueNames.AgentOf(queue) is not { } agent || agent == route.Agent) return null;
        return $"routing key '{routingKey}' is a kind of the {Name(route.Agent)} agent, not of the {Name(agent)} agent whose queue {queue} this is "
            + $"(it reads {string.Join(", ", subscriptions.RoutingKeysOf(agent))}): publish it to the bridge exchange, which routes each kind to its own agent";
    }

    private static string Name(SyncAgent agent) => agent.ToString().ToLowerInvariant();

    /// <summary>The AMQP message-id as the bridge set it (its eventId, not always a GUID), quoted safely for the log.</summary>
    private static string MessageIdOf(RabbitMqBasicConsumeContext? delivery, ConsumeContext context) =>
        delivery is not null ? BoundedErrorTransportFilter.MessageIdOf(delivery)
        : context.MessageId is { } id ? id.ToString() : "(no message-id)";
}
