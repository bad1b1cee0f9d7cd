using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Moodle;
using Mofa.Sync.Tests.Health;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>
/// The edge's consumer on MassTransit's in-memory test harness, for what needs no broker: the
/// consumers' real services (the subscription map, parser, reader, limits, metrics, health signals,
/// content scope), one in-memory receive endpoint per agent configured as the service configures its
/// queue (raw JSON through BridgeBodySerializerFactory, the agent's retry policy, no Fault events),
/// and every contract's handler a <see cref="RecordingHandler{TEvent}"/> unless the test registers
/// real ones. Bodies are sent raw, with their routing key in the MofaSync-Routing-Key header (the
/// only place the in-memory transport has for it, see OriginalRoutingKey).
/// </summary>
public sealed class ConsumerHarness : IAsyncDisposable
{
    public const string QueuePrefix = "harness";

    /// <summary>
    /// A budget against a hang, not a wait: <see cref="ConsumedAsync"/> returns when the message is
    /// consumed. The inactivity timeout is the same budget: MassTransit's default (1.2 s without bus
    /// activity) ends every later wait at once, and a test that first sets up a SQLite file can be that slow.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _provider;

    private ConsumerHarness(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        Outcomes = new MeterCounts(provider.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => _provider;

    public HandledMessages Handled => _provider.GetRequiredService<HandledMessages>();

    /// <summary>The consumer's counters (mofa_sync_events by kind and outcome, …).</summary>
    public MeterCounts Outcomes { get; }

    /// <param name="recording">Every contract's handler a recording one; false: the real handlers, with what <paramref name="services"/> gives them.</param>
    /// <param name="services">More services: a store and its apply rules, for instance.</param>
    /// <param name="sync">The Sync settings (the store agents' retries among them); the defaults otherwise.</param>
    /// <param name="endpoint">More configuration of every agent's endpoint.</param>
    public static async Task<ConsumerHarness> StartAsync(bool recording = true, Action<IServiceCollection>? services = null, SyncOptions? sync = null,
        Action<IInMemoryReceiveEndpointConfigurator>? endpoint = null)
    {
        var settings = sync ?? new SyncOptions();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddMetrics();
        collection.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        collection.AddSingleton<SyncMetrics>();
        collection.AddSingleton<HealthSignals>();
        collection.AddSingleton(new MessageLimits(MessageLimits.DefaultMaxBodyBytes, MessageLimits.DefaultMaxHeaderBytes));
        collection.AddSingleton(settings.ContentScope());
        collection.AddSingleton(MoodleSites.None);
        collection.AddSingleton(new ReconcileOptions());
        collection.AddSingleton<HandledMessages>();
        if (recording)
        {
            foreach (var s in BridgeAgents.Subscriptions.All)
            {
                collection.AddSingleton(typeof(IBridgeEventHandler<>).MakeGenericType(s.Contract), typeof(RecordingHandler<>).MakeGenericType(s.Contract));
            }
        }

        services?.Invoke(collection);
        collection.AddBridgeAgents();
        collection.AddMassTransitTestHarness(x =>
        {
            x.SetTestTimeouts(Budget, Budget);
            BridgeAgents.AddConsumer(x);
            x.UsingInMemory((context, cfg) =>
            {
                foreach (var agent in Enum.GetValues<SyncAgent>())
                {
                    cfg.ReceiveEndpoint(QueueNames.Agent(QueuePrefix, agent), e =>
                    {
                        AgentEndpoints.ReadBridgeBodies(e);
                        endpoint?.Invoke(e);
                        BridgeAgents.ConfigureConsumer(agent, e, context);
                    });
                }
            });
        });

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var harness = new ConsumerHarness(provider);
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>Sends <paramref name="body"/> to <paramref name="agent"/>'s queue as the bridge's <paramref name="routingKey"/> (none: no header); returns its message id.</summary>
    public async Task<Guid> SendAsync(SyncAgent agent, string? routingKey, byte[] body)
    {
        var id = NewId.NextGuid();
        var endpoint = await Harness.Bus.GetSendEndpoint(new Uri($"queue:{QueueNames.Agent(QueuePrefix, agent)}"));
        await endpoint.Send(new RawBody(body), context =>
        {
            context.Serializer = new RawBodySerializer();
            context.MessageId = id;
            if (routingKey is not null) context.Headers.Set(OriginalRoutingKey.Header, routingKey);
        });
        return id;
    }

    /// <summary>
    /// The consumption of message <paramref name="id"/>, once the consumer is done with it (its retries
    /// included); fails when it is not consumed within the harness's budget against a hang.
    /// </summary>
    public async Task<IReceivedMessage<BridgeMessage>> ConsumedAsync(Guid id)
    {
        // SelectAsync, not Select: Select goes on watching for more until the budget is spent.
        await foreach (var consumed in Harness.Consumed.SelectAsync<BridgeMessage>(m => m.Context.MessageId == id)) return consumed;
        throw new TimeoutException($"message {id} was not consumed within the budget against a hang ({Budget})");
    }

    public async ValueTask DisposeAsync()
    {
        Outcomes.Dispose();
        await _provider.DisposeAsync();
    }
}
