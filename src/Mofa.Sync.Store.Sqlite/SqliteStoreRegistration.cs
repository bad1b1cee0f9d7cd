using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The embedded store in a service: one file, its mirror store, the notification store that joins the mirror's writer,
/// and the rolling reconcile's state (its own transactions on the same file).
/// </summary>
public static class SqliteStoreRegistration
{
    /// <summary>
    /// Registers <see cref="IMirrorStore"/>, <see cref="INotificationStore"/> and <see cref="IReconcileStateStore"/> on the file of <paramref name="options"/>
    /// (section Store:Sqlite). <paramref name="outbox"/> (default <see cref="ChangeOutboxSettings.Off"/>) says whether the
    /// mirror's writes record the changes they make; it is registered as a service, so a composition may replace it.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, SqliteStoreOptions options, ChangeOutboxSettings? outbox = null)
    {
        services.AddSingleton(outbox ?? ChangeOutboxSettings.Off);
        services.AddSingleton(new SqliteFile(options));
        services.AddSingleton(sp => new SqliteMirrorStore(
            sp.GetRequiredService<SqliteFile>(), sp.GetRequiredService<ILogger<SqliteMirrorStore>>(), sp.GetRequiredService<ChangeOutboxSettings>()));
        services.AddSingleton<IMirrorStore>(sp => sp.GetRequiredService<SqliteMirrorStore>());
        // The same file, and the mirror store's writer as the session the notification store's writes join.
        services.AddSingleton<INotificationStore>(sp => new SqliteNotificationStore(sp.GetRequiredService<SqliteFile>(), sp.GetRequiredService<SqliteMirrorStore>()));
        services.AddSingleton<IReconcileStateStore>(sp => new SqliteReconcileStateStore(sp.GetRequiredService<SqliteFile>()));
        return services;
    }
}
