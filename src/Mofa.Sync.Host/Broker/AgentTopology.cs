using MassTransit;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Consuming;
using Mofa.Sync.Host.Hosting;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// Declares the agents' exchange, queues and bindings exactly as the service does at start (the
/// same MassTransit composition, deploying topology only), so declaring twice is harmless.
/// </summary>
public static class AgentTopology
{
    public static async Task DeclareAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
            {
                h.Username(rabbit.Username);
                h.Password(rabbit.Password);
            });
            cfg.DeployTopologyOnly = true;
            SyncHostBuilder.ConfigureAgents(cfg, rabbit, e => e.Consumer(() => new TopologyOnlyConsumer()));
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await bus.StartAsync(timeout.Token);
        await bus.StopAsync(CancellationToken.None);
    }

    /// <summary>Never called: the bus only deploys topology.</summary>
    private sealed class TopologyOnlyConsumer : IConsumer<BridgeMessage>
    {
        public Task Consume(ConsumeContext<BridgeMessage> context) => throw new InvalidOperationException("topology only");
    }
}
