using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Consumers.Parsing;

/// <summary>A bridge message read from the wire: a typed event with the subscription that handles it, or an event kind the sync does not handle.</summary>
public sealed record ParsedBridgeMessage(string Kind, MoodleEvent? Event, string? IgnoredBecause, BridgeSubscription? Subscription = null)
{
    public static ParsedBridgeMessage Handled(BridgeSubscription subscription, string kind, MoodleEvent e) => new(kind, e, null, subscription);

    public static ParsedBridgeMessage Ignored(string kind, string why) => new(kind, null, why);
}
