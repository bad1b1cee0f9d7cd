using System.Text.Json;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>An event as the PHP bridge sends it: plain camelCase JSON (json_encode), routing key from eventName.</summary>
public static class BridgeBody
{
    public static (string RoutingKey, string Body) Of(MoodleEvent e) =>
        (BridgeRoutingKeys.FromEventName(e.EventName)!, JsonSerializer.Serialize(e, e.GetType(), BridgeJson.Options));
}
