using System.Text.RegularExpressions;
using Mofa.Sync.Agents.Routing;
using Xunit;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>docs/asyncapi.yaml has one channel per routing key the service routes, and none it does not.</summary>
public sealed partial class AsyncApiChannelTests
{
    [Fact]
    public void Every_routed_key_has_its_channel_and_every_bridge_channel_is_routed()
    {
        var text = File.ReadAllText(RepoPaths.Of("docs/asyncapi.yaml"));
        var channels = text[text.IndexOf("\nchannels:", StringComparison.Ordinal)..];
        channels = channels[..(channels.IndexOf("\ncomponents:", StringComparison.Ordinal) is var end and > 0 ? end : channels.Length)];
        var declared = Channel().Matches(channels).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var routed = BridgeRoutes.All.Select(r => r.RoutingKey).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(routed.Except(declared));
        // The outbound channel (NotificationRequested) is the service's own, not a routing key.
        var unrouted = declared.Except(routed).Where(c => !c.Contains("notification", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(unrouted.Count == 0, $"channels no route declares: {string.Join(", ", unrouted)}");
    }

    [GeneratedRegex(@"^  ([A-Za-z0-9_.\-{}]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex Channel();
}
