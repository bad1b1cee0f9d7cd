namespace Mofa.Sync.Contracts;

/// <summary>The exchange the Moodle bridge publishes to.</summary>
public static class BridgeExchange
{
    /// <summary>Topic exchange, durable.</summary>
    public const string Name = "moodle.events";

    public const string ContentType = "application/json";

    /// <summary>The only schemaVersion this contract defines.</summary>
    public const int SchemaVersion = 1;
}
