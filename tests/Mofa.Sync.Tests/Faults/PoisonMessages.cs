using System.Text.Json.Nodes;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Invalid bridge messages made from valid ones, each broken in one of the ways a buggy bridge
/// breaks them: not JSON, a JSON array, an unknown schemaVersion, snake_case names, a missing
/// field, a negative id, a relative site address. Their routing keys are the valid ones', so
/// they reach every agent.
/// </summary>
public static class PoisonMessages
{
    private static readonly Func<string, int, string>[] Breakages =
    [
        (body, i) => body[..(body.Length / 2)] + $" not json {i}",
        (_, i) => $"[{i}, \"an array\"]",
        (body, _) => With(body, o => o["schemaVersion"] = 2),
        (body, _) => With(body, o =>
        {
            // A PHP array with Moodle's own column names: the contract's camelCase names are missing.
            var snake = new JsonObject();
            foreach (var (key, value) in o) snake[System.Text.RegularExpressions.Regex.Replace(key, "([a-z])([A-Z])", "$1_$2").ToLowerInvariant()] = value?.DeepClone();
            return snake;
        }),
        (body, _) => With(body, o => o.Remove("eventId")),
        (body, _) => With(body, o => o["actorId"] = -7),
        (body, _) => With(body, o => o["site"] = "moodle.example.edu/no-scheme"),
    ];

    /// <summary><paramref name="count"/> invalid messages, cycling through the breakages and the given events' kinds.</summary>
    public static IReadOnlyList<(string RoutingKey, string Body)> From(IReadOnlyList<MoodleEvent> events, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var (routingKey, body) = BridgeBody.Of(events[(i * 7919) % events.Count]);
            return (routingKey, Breakages[i % Breakages.Length](body, i));
        }).ToList();

    private static string With(string body, Action<JsonObject> change) => With(body, o =>
    {
        change(o);
        return o;
    });

    private static string With(string body, Func<JsonObject, JsonObject> change) =>
        change(JsonNode.Parse(body)!.AsObject()).ToJsonString();
}
