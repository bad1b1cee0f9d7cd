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
}
