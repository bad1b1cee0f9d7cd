using MassTransit;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Host.Hosting;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// Declares the agents' exchange, queues and bindings exactly as the service does at start (the
/// same MassTransit composition, deploying topology only), so declaring twice is harmless.
/// </summary>
public static class AgentTopology
{
    public static async Task DeclareAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await QueueDeclarationCheck.DeclareAsync(rabbit, ct);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            BrokerConnection.ConfigureHost(cfg, rabbit);
            ServiceQueues.ConfigureDeadLetterQueues(cfg);
            cfg.DeployTopologyOnly = true;
            AgentEndpoints.Configure(cfg, rabbit, (_, e) => e.Consumer(() => new TopologyOnlyConsumer()));
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await bus.StartAsync(timeout.Token);
        try
        {
            // The bus's start does not promise every endpoint has declared its queue (one may still wait
            // for its channel): the broker is asked.
            await WaitUntilDeclaredAsync(rabbit, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the agents' queues ({rabbit.QueuePrefix}.*-agent) were not all declared on {rabbit} within 30 s; is the broker under a memory or disk alarm?");
        }
        finally
        {
            await StopAsync(bus);
        }
    }

    /// <summary>How long the topology-only bus may take to stop before it is left to the process's exit.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bounded: a receive endpoint still waiting for a channel (seen on a cluster whose nodes had just
    /// started) did not heed the stop and kept the command waiting for ever. Nothing is in flight on
    /// a topology-only bus, so leaving it is harmless.
    /// </summary>
    private static async Task StopAsync(IBusControl bus)
    {
        // The token asks MassTransit to give up; the wait stops waiting even if it does not.
        using var limit = new CancellationTokenSource(StopLimit);
        try
        {
            await bus.StopAsync(limit.Token).WaitAsync(StopLimit + StopLimit);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Left to the process's exit.
        }
    }

    /// <summary>Until each agent queue exists (asked with the inspector's passive declares, which change nothing).</summary>
    private static async Task WaitUntilDeclaredAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var inspector = await QueueInspector.ConnectAsync(rabbit, ct);
        foreach (var queue in QueueNames.Agents(rabbit.QueuePrefix))
        {
            // Not there yet: its endpoint is still declaring it.
            while (!(await inspector.InspectAsync(queue, ct)).Exists) await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>
    /// Deletes everything a service with these settings declares: the agents' queues (with
    /// _error and _skipped) and their exchanges, the notification endpoint's, and the bridge
    /// exchange. For throw-away set-ups (the bench, the tests), never for a production broker.
    /// </summary>
    public static async Task DeleteAsync(RabbitMqOptions rabbit)
    {
        await using var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync clean-up");
        var names = QueueNames.Agents(rabbit.QueuePrefix)
            .SelectMany(queue => new[] { queue, QueueNames.ErrorOf(queue), QueueNames.SkippedOf(queue) })
            .Concat(NotificationTopology.EntityNames(rabbit.QueuePrefix));
        foreach (var name in names)
        {
            // A queue or exchange of that name may not exist; deleting it anyway is harmless.
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(name, ifUnused: false);
        }

        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(rabbit.Exchange, ifUnused: false);
        }

        await connection.CloseAsync();
    }

    /// <summary>Never called: the bus only deploys topology.</summary>
    private sealed class TopologyOnlyConsumer : IConsumer<BridgeMessage>
    {
        public Task Consume(ConsumeContext<BridgeMessage> context) => throw new InvalidOperationException("topology only");
    }
}
