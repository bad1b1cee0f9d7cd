namespace Mofa.Sync.Contracts.Envelope;

/// <summary>
/// The envelope every bridge message carries (docs/contract.md). Properties marked
/// <c>required</c> must be present in the JSON body: a snake_case body therefore fails to parse
/// instead of silently becoming zeros and nulls.
/// </summary>
public abstract record MoodleEvent
{
    /// <summary>Contract version; only 1 exists.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Unique per Moodle event across sites, the same on every re-publication; the idempotency key and the AMQP message-id.</summary>
    public required string EventId { get; init; }

    /// <summary>The Moodle site's wwwroot, e.g. https://moodle.example.edu.</summary>
    public required string Site { get; init; }

    /// <summary>Moodle's event name verbatim, e.g. \core\event\course_updated.</summary>
    public required string EventName { get; init; }

    /// <summary>Moodle's timecreated (unix seconds).</summary>
    public required long TimeCreated { get; init; }

    /// <summary>Optional; orders events of one second (absent counts as 0). See <see cref="EventVersion"/>.</summary>
    public long? Sequence { get; init; }

    /// <summary>The Moodle user who caused the event.</summary>
    public required long ActorId { get; init; }
}
