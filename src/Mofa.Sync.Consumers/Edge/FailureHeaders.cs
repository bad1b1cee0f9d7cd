namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// The headers that record a failure: MassTransit's fault and host headers and MT-Reason, the
/// broker's dead-lettering record (x-death, x-first-death-*, x-last-death-*, a quorum queue's
/// x-delivery-count), the service's own MofaSync- headers of an error copy, and the client's
/// publisher-confirm bookkeeping. Whoever moves a message to a dead-letter queue writes them; a
/// message's own copies of them are forged or stale, so the error copy drops them and a replay
/// sends the message back without them.
/// </summary>
public static class FailureHeaders
{
    /// <summary>
    /// The id of the `dlq replay` pass that republished the message. It survives a new failure
    /// (the error copy keeps it), so a pass recognises its own republishes when they come back and
    /// never takes them for copies left by an interrupted replay.
    /// </summary>
    public const string ReplayPass = "MofaSync-Replay-Pass";

    /// <summary>RabbitMQ.Client's publisher-confirm bookkeeping; each confirmed publish adds a fresh one.</summary>
    private const string ClientSequenceNumber = "x-dotnet-pub-seq-no";

    public static bool IsFailureRecord(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MT-Host-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("MT-Reason", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("MofaSync-", StringComparison.OrdinalIgnoreCase) && !name.Equals(ReplayPass, StringComparison.OrdinalIgnoreCase))
        || name.Equals(ClientSequenceNumber, StringComparison.OrdinalIgnoreCase)
        || IsAddedByBroker(name);

    /// <summary>The broker's own dead-lettering record and a quorum queue's delivery count.</summary>
    private static bool IsAddedByBroker(string name) =>
        name.Equals("x-death", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-first-death-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-last-death-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-delivery-count", StringComparison.OrdinalIgnoreCase);
}
