namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The points of the digest publisher where a crash is worst: between a digest's close and its
/// publish, and between the publish and its mark. The service registers this one, which does
/// nothing; only the crash tests register another (in the service process they start, through a
/// startup hook of the test assembly) that kills the process there. Nothing in the service reads
/// a switch for it: no setting or environment variable can make the service stop itself.
/// </summary>
public class OutboxFaultPoint
{
    /// <summary>After the digests are closed, before their NotificationRequested is published.</summary>
    public const string AfterClose = "digest-closed";

    /// <summary>After the NotificationRequested is published (confirmed), before the digests are marked published.</summary>
    public const string AfterPublish = "digest-published";

    public virtual void Reached(string point)
    {
    }
}
