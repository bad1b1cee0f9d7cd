using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Users;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>samples/term-start.jsonl is a recorded bridge stream: every line must be a valid message.</summary>
public sealed class SampleFileTests
{
    private const string SamplePath = "samples/term-start.jsonl";

    private static List<(int Line, string Text)> Lines() =>
        File.ReadAllLines(RepoPaths.Of(SamplePath), Encoding.UTF8)
            .Select((text, i) => (i + 1, text))
            .Where(l => l.text.Length > 0)
            .ToList();

    private static ParsedBridgeMessage Parse(int line, string text)
    {
        string? eventName;
        using (var document = JsonDocument.Parse(text))
        {
            eventName = document.RootElement.GetProperty("eventName").GetString();
        }

        var routingKey = BridgeRoutingKeys.FromEventName(eventName);
        Assert.True(routingKey is not null, $"{SamplePath}:{line}: eventName '{eventName}' has no routing key");
        try
        {
            return BridgeAgents.Parser.Parse(routingKey, Encoding.UTF8.GetBytes(text));
        }
        catch (InvalidBridgeMessageException ex)
        {
            Assert.Fail($"{SamplePath}:{line}: {ex.Message}");
            throw;
        }
    }

    [Fact]
    public void EveryLineIsAValidHandledMessage()
    {
        var lines = Lines();
        Assert.InRange(lines.Count, 60, 100);
        foreach (var (line, text) in lines)
        {
            var parsed = Parse(line, text);
            Assert.True(parsed.Event is not null, $"{SamplePath}:{line}: ignored ({parsed.IgnoredBecause})");
        }
    }

    [Fact]
    public void TheStreamIsOrderedUniqueAndFromOneSite()
    {
        var events = Lines().Select(l => Parse(l.Line, l.Text).Event!).ToList();

        Assert.Single(events.Select(e => e.Site).Distinct());
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.True(Guid.TryParse(e.EventId, out _), $"eventId {e.EventId} is not a UUID"));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].TimeCreated > events[i - 1].TimeCreated, $"line {i + 1}: timeCreated does not increase");
            Assert.True(events[i].Sequence > events[i - 1].Sequence, $"line {i + 1}: sequence does not increase");
        }
    }

    [Fact]
    public void TheStreamCoversEveryKindTheServiceHandles()
    {
        var parsed = Lines().Select(l => Parse(l.Line, l.Text)).ToList();

        Assert.Equal(
            BridgeAgents.Subscriptions.Routes.Select(r => r.RoutingKey).Order(StringComparer.Ordinal),
            parsed.Select(p => p.Kind).Distinct().Order(StringComparer.Ordinal));

        var kinds = parsed.Select(p => p.Event).OfType<CourseModuleChanged>().Select(m => m.ModuleName).ToHashSet();
        Assert.Superset(kinds, new HashSet<string> { ModuleKinds.Assign, ModuleKinds.Quiz, ModuleKinds.Choice, "resource", "page", "url", "forum" });

        var roles = parsed.Select(p => p.Event).OfType<RoleAssigned>().Select(r => r.RoleShortName).ToHashSet();
        Assert.Superset(roles, new HashSet<string> { "editingteacher", "manager", "student" });
    }
}
