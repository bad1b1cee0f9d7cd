using System.Text;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>One test's isolated world: its exchange, queue prefix and SQLite file.</summary>
public sealed class TestEnvironment : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mofa-sync-tests", Guid.NewGuid().ToString("N"));

    public TestEnvironment(Dictionary<string, string?>? overrides = null)
    {
        Directory.CreateDirectory(_folder);
        Rabbit = TestBroker.NewIsolatedOptions();
        DatabasePath = Path.Combine(_folder, "mirror.db");
        Overrides = overrides ?? [];
    }

    public RabbitMqOptions Rabbit { get; }

    public string DatabasePath { get; }

    public Dictionary<string, string?> Overrides { get; }

    public IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["RabbitMq:Host"] = Rabbit.Host,
        ["RabbitMq:Exchange"] = Rabbit.Exchange,
        ["RabbitMq:QueuePrefix"] = Rabbit.QueuePrefix,
        ["RabbitMq:PrefetchCount"] = Rabbit.PrefetchCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:ConcurrentMessageLimit"] = Rabbit.ConcurrentMessageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Store:Kind"] = "Sqlite",
        ["Store:Sqlite:Path"] = DatabasePath,
        ["Store:Sqlite:Synchronous"] = "Normal",
        ["Sync:RetryLimit"] = "2",
        // No health/metrics endpoint unless a test asks for one (Overrides) on a free port.
        ["Service:HealthPort"] = "0",
        ["Sync:RetryMinInterval"] = "00:00:00.050",
        ["Sync:RetryMaxInterval"] = "00:00:00.200",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:MassTransit"] = "Error",
        ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Error",
        ["RabbitMq:QueueType"] = Rabbit.QueueType.ToString(),
        ["RabbitMq:DeliveryLimit"] = Rabbit.DeliveryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Concat(Rabbit.Hosts.Select((h, i) => KeyValuePair.Create($"RabbitMq:Hosts:{i}", (string?)h))).Concat(Overrides).GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Value)).Build(); // overrides win

    /// <summary>Publishes raw bytes the way the PHP bridge does (not MassTransit's envelope), confirmed.</summary>
    public async Task PublishAsync(IEnumerable<(string RoutingKey, string Body)> messages, string? contentType = "application/json")
    {
        await using var publisher = await BridgePublisher.ConnectAsync(Rabbit, CancellationToken.None);
        var tasks = messages.Select(m => publisher.PublishAsync(m.RoutingKey, Encoding.UTF8.GetBytes(m.Body), null, CancellationToken.None, contentType)).ToList();
        await Task.WhenAll(tasks);
    }

    public Task PublishAsync(string routingKey, string body, string? contentType = "application/json") =>
        PublishAsync([(routingKey, body)], contentType);

    /// <summary>Waits (up to a generous safety limit, not a timing assertion) until the services together handled <paramref name="deliveries"/> messages.</summary>
    public async Task WaitForHandledAsync(long deliveries, params TestService[] services)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (services.Sum(s => s.Activity.Handled) < deliveries)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {services.Sum(s => s.Activity.Handled)} of {deliveries} messages were handled within 3 minutes");
            }

            await Task.Delay(50);
        }

        await using var inspector = await QueueInspector.ConnectAsync(Rabbit, CancellationToken.None);
        while (await inspector.AgentBacklogAsync(Rabbit.QueuePrefix, CancellationToken.None) > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the agents' queues did not drain within 3 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>The mirror as `mofa-sync mirror export --json` prints it.</summary>
    public async Task<MirrorExport> ExportAsync()
    {
        var settings = MofaSyncSettings.Bind(Configuration());
        await using var store = await StoreFactory.OpenAsync(settings, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        return await MirrorExport.ReadAsync(store, includeTombstones: false, CancellationToken.None);
    }

    public async Task<IReadOnlyList<ErrorQueueMessage>> ErrorQueueAsync(SyncAgent agent)
    {
        await using var connection = await TestBroker.ConnectAsync(Rabbit);
        return await ErrorQueueMessage.PeekAllAsync(connection, QueueNames.ErrorOf(QueueNames.Agent(Rabbit.QueuePrefix, agent)));
    }

    public async ValueTask DisposeAsync()
    {
        await TestBroker.DeleteTopologyAsync(Rabbit);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
