namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The points of the digest publisher where a crash is worst: between a digest's close and its
/// publish, and between the publish and its mark. The service registers no fault point, and
/// <see cref="DigestPublisher"/> then passes these points by; only the crash tests register one
/// (in the service process they start, through a startup hook of the test assembly) that kills
/// the process there. Nothing in the service reads a switch for it: no setting or environment
/// variable can make the service stop itself.
/// </summary>
public abstract class OutboxFaultPoint
{
    /// <summary>After the digests are closed, before their NotificationRequested is published.</summary>
    public const string AfterClose = "digest-closed";

    /// <summary>After the NotificationRequested is published (confirmed), before the digests are marked published.</summary>
    public const string AfterPublish = "digest-published";

    /// <summary>The publisher has reached <paramref name="point"/> (<see cref="AfterClose"/> or <see cref="AfterPublish"/>).</summary>
    public abstract void Reached(string point);
}
