using Mofa.Sync.Consumers;
using Mofa.Sync.Contracts;
using Xunit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>The edge's dispatch, on the in-memory harness: each routing key reaches its contract's handler, and no other.</summary>
public sealed class BridgeDispatchTests
{
    public static TheoryData<string> RoutingKeys() => [.. BridgeAgents.Subscriptions.Routes.Select(r => r.RoutingKey)];

    [Theory]
    [MemberData(nameof(RoutingKeys))]
    public async Task Each_routing_key_reaches_its_contracts_handler_only_with_the_typed_message_on_its_canonical_site(string routingKey)
    {
        var route = BridgeAgents.Subscriptions.Routes.Single(r => r.RoutingKey == routingKey);
        var body = ValidBodies.Of(routingKey);
        var eventId = (string)body["eventId"]!;
        body["site"] = "HTTPS://Moodle.Example.EDU:443/";
        await using var harness = await ConsumerHarness.StartAsync();

        var id = await harness.SendAsync(route.Agent, routingKey, ValidBodies.Bytes(body));

        var consumed = await harness.ConsumedAsync(id);
        Assert.Null(consumed.Exception);
        var (handler, message) = Assert.Single(harness.Handled.Calls);
        Assert.Equal(route.Contract, handler);
        Assert.IsType(route.Contract, message);
        Assert.Equal(eventId, message.EventId);
        Assert.Equal(routingKey, BridgeRoutingKeys.FromEventName(message.EventName));
        Assert.Equal("https://moodle.example.edu", message.Site);
        Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("kind", routingKey), ("outcome", "applied")));
    }
}
