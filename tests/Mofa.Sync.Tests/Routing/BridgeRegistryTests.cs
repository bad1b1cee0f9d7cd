using System.Reflection;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Xunit;

namespace Mofa.Sync.Tests.Routing;

/// <summary>
/// The registry is complete: what a slice left half-registered (a contract record or a routing key
/// no slice declares, a slice's Declare() not added to BridgeRoutes, an agent with no routes) fails here,
/// before any message meets it.
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
    public void Every_contract_record_is_declared_by_exactly_one_slice()
    {
        Assert.NotEmpty(ContractRecords);
        foreach (var contract in ContractRecords)
        {
            Assert.True(BridgeRoutes.Declared.Count(d => d.Contract == contract) == 1,
                $"{contract.Name} is declared by {BridgeRoutes.Declared.Count(d => d.Contract == contract)} slices; add its BridgeRoute to its slice's Declare() and the slice to BridgeRoutes.Declared");
        }
    }

    [Fact]
    public void Every_routing_key_constant_is_routed_and_no_key_twice()
    {
        var routed = BridgeRoutes.All.Select(r => r.RoutingKey).ToList();
        Assert.Equal(routed.Distinct(StringComparer.Ordinal).Count(), routed.Count);
        Assert.All(RoutingKeyConstants, key => Assert.Contains(key, routed));
    }

    [Fact]
    public void Every_agent_has_a_route()
    {
        foreach (var agent in Enum.GetValues<SyncAgent>())
        {
            Assert.True(BridgeRoutes.RoutingKeysOf(agent).Any(), $"agent {agent} has a queue but no routing key is bound to it");
        }
    }

    [Fact]
    public void Every_declared_contract_says_what_it_asks_of_the_mirror()
    {
        Assert.All(BridgeRoutes.Declared, declared => Assert.False(string.IsNullOrWhiteSpace(declared.Purpose), $"{declared.Contract.Name} has no purpose"));
    }
}
