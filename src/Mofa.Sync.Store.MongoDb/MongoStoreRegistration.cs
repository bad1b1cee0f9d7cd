using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>The MongoDB store in a service: the mirror store, the notification store and the rolling reconcile's state on its one client.</summary>
public static class MongoStoreRegistration
{
    /// <summary>
    /// Registers <see cref="IMirrorStore"/>, <see cref="INotificationStore"/> and <see cref="IReconcileStateStore"/> on the database of <paramref name="options"/>
    /// (section Store:MongoDb). <paramref name="outbox"/> (default <see cref="ChangeOutboxSettings.Off"/>) says whether the
    /// mirror's writes record the changes they make; it is registered as a service, so a composition may replace it.
    /// </summary>
    public static IServiceCollection AddMongoDbStore(this IServiceCollection services, MongoStoreOptions options, ChangeOutboxSettings? outbox = null)
    {
        services.AddSingleton(outbox ?? ChangeOutboxSettings.Off);
        services.AddSingleton(sp => new MongoMirrorStore(options, sp.GetRequiredService<ILogger<MongoMirrorStore>>(), sp.GetRequiredService<ChangeOutboxSettings>()));
        services.AddSingleton<IMirrorStore>(sp => sp.GetRequiredService<MongoMirrorStore>());
        services.AddSingleton<INotificationStore>(sp => new MongoNotificationStore(sp.GetRequiredService<MongoMirrorStore>()));
        services.AddSingleton<IReconcileStateStore>(sp => new MongoReconcileStateStore(sp.GetRequiredService<MongoMirrorStore>()));
        return services;
    }
}
