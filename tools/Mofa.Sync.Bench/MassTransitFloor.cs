using Mofa.Sync.Host.Broker;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Bench;

/// <summary>
/// The MassTransit floor (`Bench:Floor=true` in the bench's child): a bus with exactly the
/// agents' receive endpoints (AgentEndpoints.Configure: same queues, bindings, prefetch,
/// concurrency and body deserializer) whose consumer returns at once. No store, no notifications,
/// no health endpoint: its rate is what MassTransit alone allows on these endpoints, so the
/// report can tell MassTransit's share of the gap to the raw ceiling from the service's own.
/// </summary>
public static class MassTransitFloor
{
    public const string Key = "Bench:Floor";

    public static bool IsRequested(IConfiguration configuration) =>
        string.Equals(configuration[Key], "true", StringComparison.OrdinalIgnoreCase);

    public static IHost Build(IConfiguration configuration, MofaSyncSettings settings, AppliedObserver observer)
    {
        var builder = SyncHostBuilder.CreateBuilder(configuration, settings);
        SyncHostBuilder.AddBus(builder.Services, settings,
            x => x.AddConsumer<DoNothingConsumer>(),
            (context, cfg) => AgentEndpoints.Configure(cfg, settings.RabbitMq, (_, e) => e.ConfigureConsumer<DoNothingConsumer>(context)));
        // Counted by the same observer as the service, so both rates mean the same thing.
        builder.Services.AddConsumeObserver(_ => observer);
        return builder.Build();
    }
}
