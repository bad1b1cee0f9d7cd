using System.Globalization;

namespace Mofa.Sync.Contracts.Envelope;

/// <summary>
/// The version of an event: (timeCreated, sequence, eventId) compared in that order. It is
/// rendered as one string whose ordinal order is that order, so a store compares versions with
/// a plain <c>&gt;</c> inside its conditional write.
/// </summary>
public static class EventVersion
{
    /// <summary>The version of a placeholder: older than every event.</summary>
    public const string Placeholder = "";

    public static string Of(MoodleEvent e) => Of(e.TimeCreated, e.Sequence, e.EventId);

    public static string Of(long timeCreated, long? sequence, string eventId) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeCreated:D12}.{sequence ?? 0:D19}.{eventId}");
}
