using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Consumers.Parsing;

/// <summary>A bridge message read from the wire: a typed event, or an event kind the sync does not handle.</summary>
public sealed record ParsedBridgeMessage(string Kind, MoodleEvent? Event, string? IgnoredBecause)
{
    public static ParsedBridgeMessage Handled(string kind, MoodleEvent e) => new(kind, e, null);

    public static ParsedBridgeMessage Ignored(string kind, string why) => new(kind, null, why);
}
