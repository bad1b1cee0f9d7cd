using System.Text.RegularExpressions;
using Mofa.Sync.Tests.Contracts.Schema;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/asyncapi.yaml has one channel per routing key the service routes, and none it does not; its
/// references resolve; and the generation of its bridge part (AsyncApiBridgeChannels) rewrites only
/// its marked blocks. That the file is in step with the routes is SchemaDriftTests' job.
/// </summary>
public sealed partial class AsyncApiChannelTests
{
    private static string Document() => File.ReadAllText(RepoPaths.Of(AsyncApiBridgeChannels.DocumentPath));

    [Fact]
    public void Every_routed_key_has_its_channel_and_every_bridge_channel_is_routed()
    {
        var declared = Channel().Matches(Section(Document(), "channels", "components")).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var routed = BridgeAgents.Subscriptions.Routes.Select(r => r.RoutingKey).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(routed.Except(declared));
        // The outbound channel (NotificationRequested) is the service's own, not a routing key.
        var unrouted = declared.Except(routed).Where(c => !c.Contains("notification", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(unrouted.Count == 0, $"channels no route declares: {string.Join(", ", unrouted)}");
    }

    [Fact]
    public void Every_reference_resolves_and_every_message_is_named_once()
    {
        var text = Document();
        var messages = Message().Matches(Section(text, "components", null)).Select(m => m.Groups[1].Value).ToList();
        var named = messages.ToHashSet(StringComparer.Ordinal);
        Assert.True(named.Count == messages.Count, $"messages named twice: {string.Join(", ", messages.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key))}");

        var messageRefs = MessageReference().Matches(text).Select(m => m.Groups[1].Value).ToList();
        var schemaRefs = SchemaReference().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(BridgeAgents.Subscriptions.Routes.Count + 1, messageRefs.Count);
        Assert.Equal(BridgeAgents.Subscriptions.Routes.Count + 1, schemaRefs.Count);
        var unknownMessages = messageRefs.Where(r => !named.Contains(r)).ToList();
        Assert.True(unknownMessages.Count == 0, $"references to messages components does not hold: {string.Join(", ", unknownMessages)}");
        var missingSchemas = schemaRefs.Where(f => !File.Exists(RepoPaths.Of($"{ContractSchemas.Directory}/{f}"))).ToList();
        Assert.True(missingSchemas.Count == 0, $"payload schemas missing from {ContractSchemas.Directory}: {string.Join(", ", missingSchemas)}");
    }

    [Fact]
    public void Generation_rewrites_the_marked_blocks_and_nothing_else()
    {
        const string document = """
            head: kept
            channels:
              # begin generated: bridge channels
              stale.channel: {}
              # end generated: bridge channels
              hand.written: kept
            components:
              messages:
                # begin generated: bridge messages
                staleMessage: {}
                # end generated: bridge messages
                handWritten: kept

            """;

        var updated = AsyncApiBridgeChannels.Update(document);

        Assert.DoesNotContain("stale", updated, StringComparison.Ordinal);
        Assert.StartsWith("head: kept\nchannels:\n  # begin generated: bridge channels\n  core.course_created:\n", updated, StringComparison.Ordinal);
        Assert.Contains("  # end generated: bridge channels\n  hand.written: kept\ncomponents:\n  messages:\n    # begin generated: bridge messages\n    courseCreated:\n", updated, StringComparison.Ordinal);
        Assert.EndsWith("    # end generated: bridge messages\n    handWritten: kept\n", updated, StringComparison.Ordinal);
        foreach (var route in BridgeAgents.Subscriptions.Routes)
        {
            Assert.Contains($"\n  {route.RoutingKey}:\n", updated, StringComparison.Ordinal);
            Assert.Contains($"      messageType: {route.RoutingKey}\n", updated, StringComparison.Ordinal);
        }

        Assert.Equal(updated, AsyncApiBridgeChannels.Update(updated));
    }

    [Fact]
    public void A_channel_carries_its_routes_purpose_and_its_contracts_schema()
    {
        var updated = AsyncApiBridgeChannels.Update(Document());
        var route = BridgeAgents.Subscriptions.All.Single(d => d.RoutingKeys.Contains("core.course_module_deleted"));
        var channel = updated[updated.IndexOf("\n  core.course_module_deleted:\n", StringComparison.Ordinal)..];
        channel = channel[..channel.IndexOf("\n  core.", 2, StringComparison.Ordinal)];
        var message = updated[updated.IndexOf("\n    courseModuleDeleted:\n", StringComparison.Ordinal)..];
        message = message[..message.IndexOf("messageType:", StringComparison.Ordinal)];

        Assert.Contains($"description: \"{route.Purpose}\"", channel, StringComparison.Ordinal);
        Assert.Contains("operationId: courseModuleDeleted\n", channel, StringComparison.Ordinal);
        Assert.Contains("$ref: '#/components/messages/courseModuleDeleted'", channel, StringComparison.Ordinal);
        Assert.Contains($"$ref: './schemas/{ContractSchemas.FileName(route.Contract)}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("channels:\n  # end generated: bridge channels\n", "no line '# begin generated: bridge channels'")]
    [InlineData("channels:\n  # begin generated: bridge channels\n", "no line '# end generated: bridge channels'")]
    [InlineData("  # end generated: bridge channels\n  # begin generated: bridge channels\n", "'# end generated: bridge channels' comes before '# begin generated: bridge channels'")]
    [InlineData("  # begin generated: bridge channels\n  # begin generated: bridge channels\n  # end generated: bridge channels\n", "'# begin generated: bridge channels' appears 2 times")]
    public void A_document_whose_markers_are_missing_or_misplaced_is_refused_with_the_reason(string document, string reason)
    {
        var error = Assert.Throws<FormatException>(() => AsyncApiBridgeChannels.Update(document));
        Assert.StartsWith($"{AsyncApiBridgeChannels.DocumentPath}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_routing_keys_that_would_share_a_name_are_refused()
    {
        var channels = new[]
        {
            new AsyncApiBridgeChannels.Channel("core.course_viewed", typeof(object), "Viewed."),
            new AsyncApiBridgeChannels.Channel("mod_book.course_viewed", typeof(object), "Viewed."),
        };

        var error = Assert.Throws<InvalidOperationException>(() => AsyncApiBridgeChannels.Update(Document(), channels));
        Assert.Contains("core.course_viewed and mod_book.course_viewed would both be named 'courseViewed'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("course_viewed")]
    [InlineData("core.course viewed")]
    [InlineData("core.Course_viewed")]
    public void A_routing_key_not_of_moodles_form_is_refused(string routingKey)
    {
        var channels = new[] { new AsyncApiBridgeChannels.Channel(routingKey, typeof(object), "Viewed.") };

        var error = Assert.Throws<InvalidOperationException>(() => AsyncApiBridgeChannels.Update(Document(), channels));
        Assert.Contains($"'{routingKey}' is not of Moodle's form", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The lines from "<paramref name="from"/>:" up to "<paramref name="to"/>:" (or the end).</summary>
    private static string Section(string text, string from, string? to)
    {
        var section = text[text.IndexOf($"\n{from}:", StringComparison.Ordinal)..];
        return to is not null && section.IndexOf($"\n{to}:", StringComparison.Ordinal) is var end and > 0 ? section[..end] : section;
    }

    [GeneratedRegex(@"^  ([A-Za-z0-9_.\-{}]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex Channel();

    [GeneratedRegex(@"^    ([A-Za-z0-9_]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex Message();

    [GeneratedRegex(@"\$ref: '#/components/messages/([^']+)'")]
    private static partial Regex MessageReference();

    [GeneratedRegex(@"\$ref: '\./schemas/([^']+)'")]
    private static partial Regex SchemaReference();
}
