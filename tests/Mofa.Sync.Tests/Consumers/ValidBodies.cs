using System.Text;
using System.Text.Json.Nodes;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Contracts;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>Valid bridge bodies: the first of docs/examples/valid.jsonl (the bridge author's test vectors) of each routing key.</summary>
public static class ValidBodies
{
    private static readonly Lazy<Dictionary<string, string>> FirstByRoutingKey = new(() => File.ReadLines(RepoPaths.Of("docs/examples/valid.jsonl"), Encoding.UTF8)
        .Where(line => line.Trim().Length > 0)
        .GroupBy(line => BridgeRoutingKeys.FromEventName((string?)JsonNode.Parse(line)!["eventName"])
            ?? throw new InvalidOperationException($"a valid vector names no routing key: {line}"))
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

    /// <summary>A valid body of <paramref name="routingKey"/>'s contract, as a JSON object a test may change.</summary>
    public static JsonObject Of(string routingKey) =>
        FirstByRoutingKey.Value.TryGetValue(routingKey, out var line) ? JsonNode.Parse(line)!.AsObject()
        : throw new ArgumentException($"docs/examples/valid.jsonl has no message of {routingKey}", nameof(routingKey));

    public static byte[] Bytes(JsonObject body) => Encoding.UTF8.GetBytes(body.ToJsonString());
}
