using Mofa.Sync.Contracts;
using Mofa.Sync.Bench;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Bench;

/// <summary>The bench's generated mix: repeatable from its seed, valid by the contract, shaped like a term start.</summary>
public sealed class TermStartMixTests
{
    [Fact]
    public void The_same_seed_gives_the_same_messages_and_another_seed_others()
    {
        var a = new TermStartMix(7).Next(500);
        var b = new TermStartMix(7).Next(500);
        var c = new TermStartMix(8).Next(500);

        Assert.Equal(a.Select(m => Convert.ToBase64String(m.Body)), b.Select(m => Convert.ToBase64String(m.Body)));
        Assert.NotEqual(a.Select(m => m.EventId), c.Select(m => m.EventId));
    }

    [Fact]
    public void Every_message_passes_the_contract_and_module_changes_dominate()
    {
        var messages = new TermStartMix(1).Next(5_000);

        foreach (var m in messages)
        {
            var parsed = BridgeAgents.Parser.Parse(m.RoutingKey, m.Body);
            Assert.NotNull(parsed.Event);
        }

        var modules = messages.Count(m => m.RoutingKey is BridgeRoutingKeys.CourseModuleCreated or BridgeRoutingKeys.CourseModuleUpdated);
        var students = messages.Count(m => m.RoutingKey == BridgeRoutingKeys.RoleAssigned && !m.WritesStore);
        var teachers = messages.Count(m => m.RoutingKey == BridgeRoutingKeys.RoleAssigned && m.WritesStore);
        Assert.True(modules > messages.Count / 2, $"{modules} module changes of {messages.Count}");
        Assert.True(students > 3 * teachers, $"{students} student roles, {teachers} teacher roles");
        Assert.Contains(messages, m => m.RoutingKey == BridgeRoutingKeys.QuizQuestionsChanged);
        Assert.Contains(messages, m => m.RoutingKey == BridgeRoutingKeys.CourseCreated);
        Assert.Equal(Enumerable.Range(0, messages.Count), messages.Select(m => m.Index));
    }
}
