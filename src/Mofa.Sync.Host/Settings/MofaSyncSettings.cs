using Microsoft.Extensions.Configuration;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Reconcile;

namespace Mofa.Sync.Host.Settings;

/// <summary>All settings, bound and validated once at start; a bad one stops start-up naming it.</summary>
public sealed class MofaSyncSettings
{
    public RabbitMqOptions RabbitMq { get; init; } = new();
    public StoreOptions Store { get; init; } = new();
    public SyncOptions Sync { get; init; } = new();
    public ServiceOptions Service { get; init; } = new();
    public MoodleOptions Moodle { get; init; } = new();
    public NotificationOptions Notifications { get; init; } = new();
    public ReconcileOptions Reconcile { get; init; } = new();

    public static MofaSyncSettings Bind(IConfiguration configuration)
    {
        var durations = SettingForms.Check(configuration);
        var read = durations.Count == 0 ? configuration : new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(durations).Build();
        var settings = Read(read);
        settings.Store.Sqlite.Path = StorePath.Resolve(settings.Store.Sqlite.Path, configuration);
        SettingsValidator.Validate(settings);
        return settings;
    }

    private static MofaSyncSettings Read(IConfiguration configuration)
    {
        var settings = new MofaSyncSettings();
        try
        {
            configuration.GetSection("RabbitMq").Bind(settings.RabbitMq);
            configuration.GetSection("Store").Bind(settings.Store);
            configuration.GetSection("Sync").Bind(settings.Sync);
            configuration.GetSection("Service").Bind(settings.Service);
            configuration.GetSection("Moodle").Bind(settings.Moodle);
            configuration.GetSection("Notifications").Bind(settings.Notifications);
            configuration.GetSection("Reconcile").Bind(settings.Reconcile);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the setting ("Failed to convert configuration value at 'RabbitMq:Port' …");
            // the value itself is left out, as it may be a secret.
            var key = System.Text.RegularExpressions.Regex.Match(ex.Message, "at '([^']+)'").Groups[1].Value;
            throw new SettingsException(key.Length > 0
                ? $"setting {key} has a value of the wrong type (environment variable {SettingsLoader.EnvironmentVariableOf(key)})"
                : $"a setting could not be read: {ex.Message}");
        }

        return settings;
    }
}

/// <summary>Section Service: the process itself.</summary>
public sealed class ServiceOptions
{
    /// <summary>On SIGTERM: how long in-flight messages may take before the process exits anyway.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Port of /health/live, /health/ready and /metrics; 0 turns the endpoint off.</summary>
    public int HealthPort { get; set; } = 8080;

    /// <summary>
    /// The address the endpoint listens on: loopback by default, so nothing outside the machine
    /// reads it; an interface's address, or * for every interface (what an orchestrator's probes and
    /// a Prometheus on another host need).
    /// </summary>
    public string HealthAddress { get; set; } = HealthListenAddress.Loopback;

    /// <summary>How often the depth of the service's queues and their consumers are read from the broker for /metrics.</summary>
    public TimeSpan QueueMetricsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
