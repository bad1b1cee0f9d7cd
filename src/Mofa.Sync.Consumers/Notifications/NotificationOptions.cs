namespace Mofa.Sync.Consumers.Notifications;

/// <summary>Section Notifications (environment: MOFASYNC__NOTIFICATIONS__…).</summary>
public sealed class NotificationOptions
{
    /// <summary>
    /// Changes of one course within this window (counted from the first) go out as one message.
    /// Zero sends each change at once.
    /// </summary>
    public TimeSpan DigestWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the background flush looks for digests whose window has closed.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At most this many digests are handed to delivery per second. After a term start thousands of
    /// courses' digests close within the same minute; sent at once they would be thousands of
    /// Moodle web service calls in one burst, competing with the sync for the store's writer.
    /// </summary>
    public int MaxDigestsPerSecond { get; set; } = 20;
}
