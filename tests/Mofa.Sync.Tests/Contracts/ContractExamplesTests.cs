using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Tests.Contracts.Schema;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/contract.md shows one example per routing key. An example is a ```json block whose
/// previous non-blank line reads exactly "Routing key: `core.course_created`". Each must read into
/// its record with <see cref="BridgeJson.Options"/>, name its routing key in eventName, and pass the
/// service's own parser and validators.
/// </summary>
public sealed partial class ContractExamplesTests
{
    private const string ContractPath = "docs/contract.md";

    private sealed record Example(int Line, string RoutingKey, string Json);

    [GeneratedRegex("^Routing key: `([a-z0-9_]+\\.[a-z0-9_]+)`$")]
    private static partial Regex RoutingKeyLine();

    private static List<Example> Examples()
    {
        var lines = File.ReadAllLines(RepoPaths.Of(ContractPath), Encoding.UTF8);
        var examples = new List<Example>();
        string? previous = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                var fence = i;
                var body = new StringBuilder();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++) body.Append(lines[i]).Append('\n');
                var key = previous is null ? null : RoutingKeyLine().Match(previous);
                if (line.Trim() == "```json" && key is { Success: true }) examples.Add(new Example(fence + 1, key.Groups[1].Value, body.ToString()));
                previous = null;
                continue;
            }

            if (line.Trim().Length > 0) previous = line.Trim();
        }

        return examples;
    }

    [Fact]
    public void ThereIsOneExamplePerRoutingKey()
    {
        var keys = Examples().Select(e => e.RoutingKey).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal(
            ContractSchemas.Routes.Select(r => r.RoutingKey).Order(StringComparer.Ordinal),
            keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryExampleReadsIntoItsRecordAndNamesItsRoutingKey()
    {
        var examples = Examples();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var where = $"{ContractPath}:{example.Line} ({example.RoutingKey})";
            var contract = ContractSchemas.Routes.Where(r => r.RoutingKey == example.RoutingKey).Select(r => r.Contract).FirstOrDefault();
            Assert.True(contract is not null, $"{where}: not a routing key of the contract");

            MoodleEvent? e;
            try
            {
                e = (MoodleEvent?)JsonSerializer.Deserialize(example.Json, contract, BridgeJson.Options);
            }
            catch (JsonException ex)
            {
                Assert.Fail($"{where}: {ex.Message}");
                throw;
            }

            Assert.True(e is not null, $"{where}: the example is null");
            Assert.IsType(contract, e);
            Assert.True(BridgeRoutingKeys.FromEventName(e.EventName) == example.RoutingKey,
                $"{where}: eventName {e.EventName} belongs to routing key {BridgeRoutingKeys.FromEventName(e.EventName)}");
            Assert.True(Guid.TryParse(e.EventId, out _), $"{where}: eventId {e.EventId} is not a UUID");
            Assert.Equal("https://moodle.example.edu", e.Site);

            try
            {
                var parsed = BridgeAgents.Parser.Parse(example.RoutingKey, Encoding.UTF8.GetBytes(example.Json));
                Assert.True(parsed.Event is not null, $"{where}: ignored ({parsed.IgnoredBecause})");
            }
            catch (InvalidBridgeMessageException ex)
            {
                Assert.Fail($"{where}: {ex.Message}");
            }
        }
    }
}
