namespace Mofa.Sync.Mirror;

/// <summary>What a conditional write did.</summary>
public enum WriteOutcome
{
    /// <summary>The event was newer than the document (or there was none): the write landed.</summary>
    Applied,

    /// <summary>The document already holds exactly this event: a redelivery or duplicate.</summary>
    AlreadyApplied,

    /// <summary>The document holds a newer event (or a newer tombstone): nothing changed.</summary>
    Stale,
}
