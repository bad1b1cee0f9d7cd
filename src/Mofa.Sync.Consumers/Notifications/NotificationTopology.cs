namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The broker names of the notifications, derived from RabbitMq:QueuePrefix. NotificationRequested
/// is published to its own fanout exchange per deployment instead of MassTransit's default
/// (the type's full name, one exchange for the whole broker): two deployments, or two test runs,
/// on one broker must not deliver each other's notifications.
/// </summary>
public static class NotificationTopology
{
    /// <summary>The exchange NotificationRequested is published to: mofa-sync.notification-requested by default.</summary>
    public static string ExchangeName(string queuePrefix) => $"{queuePrefix}.notification-requested";

    /// <summary>The sync's own notification consumer's queue, bound to <see cref="ExchangeName"/> like any subscriber's.</summary>
    public static string QueueName(string queuePrefix) => $"{queuePrefix}.notifications";

    public static string ErrorQueueName(string queuePrefix) => QueueName(queuePrefix) + "_error";

    /// <summary>Every queue and exchange the notifications declare (for clean-up).</summary>
    public static IReadOnlyList<string> EntityNames(string queuePrefix) =>
    [
        QueueName(queuePrefix),
        ErrorQueueName(queuePrefix),
        QueueName(queuePrefix) + "_skipped",
        ExchangeName(queuePrefix),
    ];

    /// <summary>Whether a receive address is the notification endpoint (its messages are not bridge events).</summary>
    public static bool IsNotificationEndpoint(Uri? inputAddress) =>
        inputAddress is not null && inputAddress.AbsolutePath.EndsWith(".notifications", StringComparison.Ordinal);
}
