using System.Runtime.Serialization;
using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;


namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// How the notification consumers retry: store hiccups are retried in-process with back-off like
/// the agents'; Moodle failures are not, since the HTTP client has already retried them with
/// back-off and jitter (retrying here would multiply the tries); they go to _error.
/// </summary>
public static class NotificationRetry
{
    public static void Configure<T>(IConsumerConfigurator<T> consumer, SyncOptions sync) where T : class
    {
        consumer.UseMessageRetry(r =>
        {
            r.Ignore<MoodleRejectedException>();
            r.Ignore<MoodleUnavailableException>();
            r.Ignore<SerializationException>();
            r.Exponential(sync.RetryLimit, sync.RetryMinInterval, sync.RetryMaxInterval, TimeSpan.FromMilliseconds(100));
        });
    }
}

public sealed class NotificationRequestedConsumerDefinition(IOptions<SyncOptions> options) : ConsumerDefinition<NotificationRequestedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<NotificationRequestedConsumer> consumerConfigurator, IRegistrationContext context) =>
        NotificationRetry.Configure(consumerConfigurator, options.Value);
}

public sealed class DeliverDigestFromPreviousVersionConsumerDefinition(IOptions<SyncOptions> options) : ConsumerDefinition<DeliverDigestFromPreviousVersionConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliverDigestFromPreviousVersionConsumer> consumerConfigurator, IRegistrationContext context) =>
        NotificationRetry.Configure(consumerConfigurator, options.Value);
}
