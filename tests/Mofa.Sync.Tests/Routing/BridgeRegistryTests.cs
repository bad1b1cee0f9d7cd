using System.Reflection;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Routing;

/// <summary>
/// The subscription map is complete: a contract record or a routing key without its line in
/// BridgeAgents.Subscriptions, or an agent with no routing key, fails here, before any message meets it.
/// </summary>
public sealed class BridgeRegistryTests
{
    private static readonly IReadOnlyList<Type> ContractRecords = typeof(MoodleEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(MoodleEvent)) && !t.IsAbstract)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    private static readonly IReadOnlyList<string> RoutingKeyConstants = typeof(BridgeRoutingKeys)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public void Every_contract_record_has_exactly_one_subscription()
    {
        Assert.NotEmpty(ContractRecords);
        foreach (var contract in ContractRecords)
        {
            Assert.True(BridgeAgents.Subscriptions.All.Count(d => d.Contract == contract) == 1,
                $"{contract.Name} has {BridgeAgents.Subscriptions.All.Count(d => d.Contract == contract)} subscriptions; add its line to BridgeAgents.Subscriptions (src/Mofa.Sync.Consumers/BridgeAgents.cs)");
        }
    }

    [Fact]
    public void Every_routing_key_constant_is_routed_and_no_key_twice()
    {
        var routed = BridgeAgents.Subscriptions.Routes.Select(r => r.RoutingKey).ToList();
        Assert.Equal(routed.Distinct(StringComparer.Ordinal).Count(), routed.Count);
        Assert.All(RoutingKeyConstants, key => Assert.Contains(key, routed));
    }

    [Fact]
    public void Every_agent_has_a_route()
    {
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            Assert.True(BridgeAgents.Subscriptions.RoutingKeysOf(agent).Any(), $"agent {agent} has a queue but no routing key is bound to it");
        }
    }

    [Fact]
    public void Every_declared_contract_says_what_it_asks_of_the_mirror()
    {
        Assert.All(BridgeAgents.Subscriptions.All, declared => Assert.False(string.IsNullOrWhiteSpace(declared.Purpose), $"{declared.Contract.Name} has no purpose"));
    }
}
