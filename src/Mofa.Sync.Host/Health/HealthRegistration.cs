using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Settings;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Host.Health;

/// <summary>Health checks, OpenTelemetry metrics and the endpoint that serves both (SyncHostBuilder.AddSync calls this).</summary>
public static class HealthRegistration
{
    /// <summary>The bucket boundaries of every duration histogram of the service, in seconds.</summary>
    public static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static IServiceCollection AddHealthAndMetrics(this IServiceCollection services, MofaSyncSettings settings)
    {
        services.AddSingleton<SecretRedactor>();
        services.TryAddSingleton<HealthSignals>();
        services.TryAddSingleton<SiteHealth>();

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
                // The SDK's default buckets (0, 5, 10, 25 … 10,000) are made for milliseconds: a duration
                // in seconds would land in the first one. Ours, in seconds, from 0.5 ms to 10 s.
                .AddView(instrument => instrument.Meter.Name == SyncMetrics.MeterName && instrument.Unit == "s"
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets }
                    : null)
                // The .NET runtime's (GC, heap, thread pool, exceptions) and the process's (CPU, memory, threads).
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());

        // Registered before the store and the bus, so /health/live answers while they start.
        services.AddHostedService<HealthEndpoint>();
        services.AddHostedService<QueueMetrics>();
        services.AddHostedService<ProcessGauges>();
        return services;
    }
}
