using System.Text.Json;
using System.Text.Json.Nodes;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>
/// Builds bodies the way the PHP bridge does: an associative array json_encode'd, the envelope
/// first, then the event's fields. Each call takes the next log sequence and a new event id.
/// </summary>
public sealed class PhpBridge(string site)
{
    private long _sequence;
    private long _time = 1_788_000_000;

    public string Site { get; } = site;

    public static PhpBridge ForNewSite() => new($"https://moodle-{Guid.NewGuid():N}.example.edu");

    public (string RoutingKey, string Body) Event(string routingKey, object fields)
    {
        _sequence++;
        _time += 5;
        var body = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["eventId"] = Guid.NewGuid().ToString(),
            ["site"] = Site,
            ["eventName"] = BridgeRoutingKeys.ToEventName(routingKey),
            ["timeCreated"] = _time,
            ["sequence"] = _sequence,
            ["actorId"] = 2,
        };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(fields, JsonSerializerOptions.Web)!.AsObject().ToList())
        {
            body[name] = value?.DeepClone();
        }

        return (routingKey, body.ToJsonString());
    }

    public static object Profile(string username, string email, string first, string last) =>
        new { username, email, firstName = first, lastName = last };
}
