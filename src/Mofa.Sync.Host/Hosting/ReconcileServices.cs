using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Snapshots;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Reconciling's part of the composition, shared by `mofa-sync reconcile` and the service's
/// reconcile agent: the pacer, the reader and the snapshot rule. Needs the Moodle sites
/// (AddMoodleSites), an <see cref="IMirrorStore"/> and an <see cref="Mirror.Reconciling.IReconcileStateStore"/> (the budget all instances share).
/// </summary>
public static class ReconcileServices
{
    public static IServiceCollection AddReconcile(this IServiceCollection services, MofaSyncSettings settings)
    {
        services.TryAddSingleton(settings.Reconcile);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SitePacer>();
        services.TryAddSingleton<ReconcileMetrics>();
        services.TryAddSingleton(settings.Sync.ContentScope());
        services.TryAddSingleton<MoodleCourseReader>();
        services.TryAddSingleton(sp => new CourseSnapshotRule(sp.GetRequiredService<IMirrorStore>(), settings.Sync.TeacherRoleSet()));
        services.TryAddSingleton<CourseReconciler>();
        return services;
    }

    /// <summary>The service's rolling reconcile of the sites with a Reconcile:Period (after <see cref="AddReconcile"/>).</summary>
    public static IServiceCollection AddRollingReconcile(this IServiceCollection services)
    {
        services.TryAddSingleton<RollingReconcileMetrics>();
        services.TryAddSingleton<RollingReconcile>();
        services.AddHostedService<RollingReconcileService>();
        return services;
    }
}
