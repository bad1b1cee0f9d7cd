using Microsoft.Extensions.Hosting;

using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>Creates the notification tables or collections before the bus starts (registered before it).</summary>
public sealed class NotificationStoreInitializer(INotificationStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
