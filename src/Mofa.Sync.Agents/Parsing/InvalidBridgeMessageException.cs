namespace Mofa.Sync.Agents.Parsing;

/// <summary>
/// The message breaks the bridge contract. Never retried: it goes to the endpoint's _error
/// queue at once, with <see cref="Exception.Message"/> (plain words naming the field and the
/// rule) in its MT-Fault-Message header.
/// </summary>
public sealed class InvalidBridgeMessageException(string reason) : Exception(reason);
