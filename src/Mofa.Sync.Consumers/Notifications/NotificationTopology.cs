using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The broker names of the notifications, derived from RabbitMq:QueuePrefix (their queues' names
/// are <see cref="QueueNames"/>'s). NotificationRequested is published to its own fanout exchange
/// per deployment instead of MassTransit's default (the type's full name, one exchange for the
/// whole broker): two deployments, or two test runs, on one broker must not deliver each other's
/// notifications.
/// </summary>
public static class NotificationTopology
{
    /// <summary>The exchange NotificationRequested is published to: mofa-sync.notification-requested by default.</summary>
    public static string ExchangeName(string queuePrefix) => $"{queuePrefix}.notification-requested";

    /// <summary>Every queue and exchange the notifications declare (for clean-up).</summary>
    public static IReadOnlyList<string> EntityNames(string queuePrefix) =>
    [
        QueueNames.Notifications(queuePrefix),
        QueueNames.ErrorOf(QueueNames.Notifications(queuePrefix)),
        QueueNames.SkippedOf(QueueNames.Notifications(queuePrefix)),
        ExchangeName(queuePrefix),
    ];

    /// <summary>Whether a receive address is the notification endpoint (its messages are not bridge events).</summary>
    public static bool IsNotificationEndpoint(Uri? inputAddress) =>
        inputAddress is not null && QueueNames.IsNotifications(inputAddress.AbsolutePath);
}
