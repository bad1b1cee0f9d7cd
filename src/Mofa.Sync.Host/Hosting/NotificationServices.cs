using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Moodle;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Moodle.Functions;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// The notifications' part of the composition (called from SyncHostBuilder.AddSync): the change
/// outbox's settings for the store adapter (<see cref="ChangeOutboxOf"/>), the Moodle sites and their
/// clients, the digest publisher, and the notification endpoint on the bus.
/// </summary>
public static class NotificationServices
{
    /// <summary>Services; call before AddMassTransit so the store is ready before the first message.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, MofaSyncSettings settings)
    {
        services.AddSingleton(settings.Notifications);
        services.AddMoodleSites(settings.Moodle);
        services.AddSingleton<MoodleMessageClient>();
        services.AddTransient<DigestDelivery>();
        services.AddHostedService<NotificationStoreInitializer>();
        // No fault point of the service's own: a crash test may register one (OutboxFaultPoint).
        services.AddSingleton(sp => new DigestPublisher(
            sp.GetRequiredService<INotificationStore>(),
            sp.GetRequiredService<IBus>(),
            settings.Notifications,
            sp.GetRequiredService<ILogger<DigestPublisher>>(),
            sp.GetService<OutboxFaultPoint>()));
        services.AddHostedService(sp => sp.GetRequiredService<DigestPublisher>());
        return services;
    }

    /// <summary>
    /// The change outbox the service's store adapter keeps (given to StoreFactory.AddStore): every
    /// effective content change recorded into digests of Notifications:DigestWindow.
    /// </summary>
    public static ChangeOutboxSettings ChangeOutboxOf(MofaSyncSettings settings) => ChangeOutboxSettings.On(settings.Notifications.DigestWindow);

    /// <summary>The consumers (inside the AddMassTransit lambda).</summary>
    public static void AddNotificationConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<NotificationRequestedConsumer, NotificationRequestedConsumerDefinition>();
        x.AddConsumer<DeliverDigestFromPreviousVersionConsumer, DeliverDigestFromPreviousVersionConsumerDefinition>();
    }

    /// <summary>The exchange NotificationRequested goes to and the notification endpoint (inside UsingRabbitMq).</summary>
    public static void ConfigureNotificationEndpoint(IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, RabbitMqOptions rabbit)
    {
        var exchange = NotificationTopology.ExchangeName(rabbit.QueuePrefix);
        cfg.Message<NotificationRequested>(m => m.SetEntityName(exchange));
        var queue = QueueNames.Notifications(rabbit.QueuePrefix);
        cfg.ReceiveEndpoint(queue, e =>
        {
            ServiceQueues.Configure(e, rabbit, queue);
            // Bound to the notification exchange and to nothing else: the consume topology would also
            // bind MassTransit's broker-wide exchange of DeliverDigest (only ever sent to this queue).
            e.ConfigureConsumeTopology = false;
            e.Bind(exchange);
            // A few deliveries at a time: each is a Moodle call, and the publisher paces them anyway.
            e.PrefetchCount = 16;
            e.ConcurrentMessageLimit = 4;
            e.UseBoundedErrorTransport(context, ServiceQueues.DeadLetterQueueArguments(rabbit), bridgeEvents: false);
            e.ConfigureConsumer<NotificationRequestedConsumer>(context);
            e.ConfigureConsumer<DeliverDigestFromPreviousVersionConsumer>(context);
        });
    }

    /// <summary>Opens and initializes the notification store (for `mofa-sync notifications`).</summary>
    public static Task<INotificationStore> OpenStoreAsync(MofaSyncSettings settings, CancellationToken ct) =>
        StoreFactory.OpenNotificationsAsync(settings, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, ct);
}
