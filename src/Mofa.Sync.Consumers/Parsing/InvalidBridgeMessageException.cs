// Kept under the namespace it had before the project was renamed: its full name is the
// MT-Fault-ExceptionType header of every invalid message in an _error queue, which operators' filters read.
namespace Mofa.Sync.Consumers.Parsing;

/// <summary>
/// The message breaks the bridge contract. Never retried: it goes to the endpoint's _error
/// queue at once, with <see cref="Exception.Message"/> (plain words naming the field and the
/// rule) in its MT-Fault-Message header.
/// </summary>
public sealed class InvalidBridgeMessageException(string reason) : Exception(reason);
