using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Mirror;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Health;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Composes the service: the mirror store, the apply rules, and the bus with one receive endpoint
/// per sync agent, each bound to the bridge's topic exchange by the routing keys of BridgeAgents.Subscriptions.
/// </summary>
public static class SyncHostBuilder
{
    public static IHost Build(IConfiguration configuration, MofaSyncSettings settings, Action<IServiceCollection>? extra = null)
    {
        var builder = CreateBuilder(configuration, settings);
        AddSync(builder.Services, settings);
        extra?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>A host with nothing in it yet but the configuration, the logging and the shutdown timeout.</summary>
    public static HostApplicationBuilder CreateBuilder(IConfiguration configuration, MofaSyncSettings settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddConfiguration(configuration);
        ConfigureLogging(builder.Logging, configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Service.ShutdownTimeout);
        return builder;
    }

    public static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        // Defaults that the settings (Logging:LogLevel:…) can override, being read after them:
        // Polly logs every attempt of a Moodle call (with a stack trace when it fails); the caller
        // logs one line per retry instead. The host logs a start-up failure with its stack trace
        // ("Hosting failed to start") before the command prints it as one line.
        logging.AddFilter("Polly", LogLevel.None);
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddConsole(o => o.FormatterName = JsonLineFormatter.FormatterName)
                .AddConsoleFormatter<JsonLineFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }

    public static void AddSync(IServiceCollection services, MofaSyncSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.RabbitMq);
        services.AddSingleton(settings.Store);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Sync));
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton(new MessageLimits(settings.RabbitMq.MaxBodyBytes, settings.RabbitMq.MaxHeaderBytes));
        services.AddSingleton(settings.Sync.ContentScope());
        services.AddBridgeAgents();
        services.AddSingleton<ActivityMonitor>();
        services.AddHostedService<LifetimeLog>();
        // The mirror store and the notification store, of the configured kind (the SQLite ones share the file's writer);
        // the mirror's writes record the content changes they make (the change outbox).
        services.AddStore(settings.Store, NotificationServices.ChangeOutboxOf(settings));
        services.AddSingleton(sp => new MirrorApplier(sp.GetRequiredService<IMirrorStore>(), settings.Sync.TeacherRoleSet()));
        services.AddNotifications(settings);
        services.AddReconcile(settings);

        services.AddHealthAndMetrics(settings);

        // Registered before MassTransit's hosted service: the store is ready before the first message,
        // and queues of another type than RabbitMq:QueueType stop the start with what to do.
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService<QueueDeclarationCheck>();
        services.AddHostedService<TombstonePurgeService>();
        services.AddHostedService<MoodleSiteCheck>();
        services.AddHostedService<ParkedNotificationsCheck>();
        services.AddRollingReconcile();
        services.AddReceiveEndpointObserver<TransportErrorObserver>();

        AddBus(services, settings,
            x =>
            {
                BridgeAgents.AddConsumer(x);
                NotificationServices.AddNotificationConsumers(x);
            },
            (context, cfg) =>
            {
                cfg.ConnectReceiveObserver(new ActivityObserver(context.GetRequiredService<ActivityMonitor>()));
                AgentEndpoints.Configure(cfg, settings.RabbitMq, (agent, e) =>
                {
                    e.UseBoundedErrorTransport(context, ServiceQueues.DeadLetterQueueArguments(settings.RabbitMq), bridgeEvents: true);
                    BridgeAgents.ConfigureConsumer(agent, e, context);
                });
                NotificationServices.ConfigureNotificationEndpoint(cfg, context, settings.RabbitMq);
            });
    }

    /// <summary>
    /// The bus on the configured broker, started before the host reports started (so the first
    /// message finds every endpoint ready); the caller registers the consumers and the endpoints.
    /// </summary>
    public static void AddBus(IServiceCollection services, MofaSyncSettings settings,
        Action<IBusRegistrationConfigurator> addConsumers, Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator> configureEndpoints)
    {
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = settings.Service.ShutdownTimeout;
        });
        services.AddMassTransit(x =>
        {
            addConsumers(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                BrokerConnection.ConfigureHost(cfg, settings.RabbitMq, BrokerConnection.ReportSocketWriteFailure(context));
                ServiceQueues.ConfigureDeadLetterQueues(cfg);
                configureEndpoints(context, cfg);
            });
        });
    }
}
