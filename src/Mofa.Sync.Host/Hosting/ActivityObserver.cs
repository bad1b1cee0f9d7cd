using MassTransit;

namespace Mofa.Sync.Host.Hosting;

/// <summary>Feeds the ActivityMonitor from MassTransit's receive pipeline (consumed and faulted alike).</summary>
public sealed class ActivityObserver(ActivityMonitor monitor) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        // Handled counts bridge messages (the tests wait on it); the notification endpoint's own messages are not.
        if (Mofa.Sync.Consumers.Notifications.NotificationTopology.IsNotificationEndpoint(context.InputAddress)) return Task.CompletedTask;
        monitor.Touch();
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        if (Mofa.Sync.Consumers.Notifications.NotificationTopology.IsNotificationEndpoint(context.InputAddress)) return Task.CompletedTask;
        monitor.Touch();
        return Task.CompletedTask;
    }
}
