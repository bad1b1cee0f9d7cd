namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// What MassTransit hands the agents: any bridge message, unread. The bridge is not MassTransit,
/// so its bodies are raw JSON with no message type; the consumer reads the raw body itself
/// (strictly, see BridgeMessageParser) instead of trusting MassTransit's lenient binding, which
/// turns snake_case fields into zeros.
/// </summary>
public sealed record BridgeMessage;
