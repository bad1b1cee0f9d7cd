using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mofa.Sync.Agents.Telemetry;
using Mofa.Sync.Host.Settings;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Mofa.Sync.Host.Health;

/// <summary>Health checks, OpenTelemetry metrics and the endpoint that serves both (SyncHostBuilder.AddSync calls this).</summary>
public static class HealthRegistration
{
    public static IServiceCollection AddHealthAndMetrics(this IServiceCollection services, MofaSyncSettings settings)
    {
        services.AddSingleton<SecretRedactor>();
        services.TryAddSingleton<HealthSignals>();

        // MassTransit adds its bus check ("masstransit-bus", tagged ready) to the same registry.
        services.AddHealthChecks()
            .AddCheck<MirrorStoreHealthCheck>(MirrorStoreHealthCheck.Name, tags: [HealthEndpoint.ReadyTag])
            .AddCheck<MoodleSitesHealthCheck>(MoodleSitesHealthCheck.Name, tags: [HealthEndpoint.ReadyTag])
            .AddCheck<NotificationsHealthCheck>(NotificationsHealthCheck.Name, tags: [HealthEndpoint.ReadyTag])
            .AddCheck<ReconcileHealthCheck>(ReconcileHealthCheck.Name, tags: [HealthEndpoint.ReadyTag]);

        if (settings.Service.HealthPort == 0) return services;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("mofa-sync", serviceVersion: ServiceVersion.Current))
            .WithMetrics(metrics => metrics
                .AddMeter(SyncMetrics.MeterName)
                // The .NET runtime's (GC, heap, thread pool, exceptions) and the process's (CPU, memory, threads).
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());

        // Registered before the store and the bus, so /health/live answers while they start.
        services.AddHostedService<HealthEndpoint>();
        return services;
    }
}
