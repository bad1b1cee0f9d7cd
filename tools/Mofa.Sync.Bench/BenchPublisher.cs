using System.Diagnostics;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Broker;
using RabbitMQ.Client;

namespace Mofa.Sync.Bench;

/// <summary>
/// Publishes generated messages as the bridge does (persistent, application/json, message-id =
/// eventId, publisher confirms), either as fast as the broker confirms or at a steady rate. Each
/// message carries its publish time in a header the service ignores, for the latency figures.
/// </summary>
public sealed class BenchPublisher : IAsyncDisposable
{
    /// <summary>Header: when the bench handed the message to the client (UTC ticks).</summary>
    public const string PublishedAtHeader = "mofa-bench-published-at";

    /// <summary>Header: the message's number in the run, so a redelivered message is counted once.</summary>
    public const string IndexHeader = "mofa-bench-index";

    /// <summary>Header: "1" when the event writes to the store (not an ignored student role).</summary>
    public const string WritesHeader = "mofa-bench-writes";

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _exchange;

    private BenchPublisher(IConnection connection, IChannel channel, string exchange)
    {
        _connection = connection;
        _channel = channel;
        _exchange = exchange;
    }

    public static async Task<BenchPublisher> ConnectAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync-bench publish", ct: ct);
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        return new BenchPublisher(connection, channel, rabbit.Exchange);
    }

    /// <summary>As fast as the broker confirms, up to <paramref name="inFlight"/> unconfirmed; returns messages per second.</summary>
    public async Task<double> PublishAllAsync(IReadOnlyList<BenchMessage> messages, int inFlight, Action<int>? progress, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>(inFlight);
        foreach (var m in messages)
        {
            pending.Add(PublishAsync(m, ct));
            if (pending.Count >= inFlight)
            {
                foreach (var p in pending) await p;
                progress?.Invoke(pending.Count);
                pending.Clear();
            }
        }

        foreach (var p in pending) await p;
        progress?.Invoke(pending.Count);
        return messages.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// A steady offered load: every few milliseconds, as many messages as the schedule says are due.
    /// Confirms are awaited in the background so a slow confirm does not hold the schedule back.
    /// Returns the rate actually offered.
    /// </summary>
    public async Task<double> PublishSteadyAsync(IReadOnlyList<BenchMessage> messages, double perSecond, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var confirms = new List<Task>(messages.Count);
        var sent = 0;
        while (sent < messages.Count)
        {
            var due = Math.Min(messages.Count, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond) + 1);
            while (sent < due) confirms.Add(PublishAsync(messages[sent++], ct));
            await Task.Delay(2, ct);
        }

        var offered = messages.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var c in confirms) await c;
        return offered;
    }

    private Task PublishAsync(BenchMessage m, CancellationToken ct)
    {
        var props = new BasicProperties
        {
            ContentType = BridgeExchange.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = m.EventId,
            Headers = new Dictionary<string, object?>
            {
                [PublishedAtHeader] = DateTime.UtcNow.Ticks,
                [WritesHeader] = m.WritesStore ? "1" : "0",
                [IndexHeader] = m.Index,
            },
        };
        return _channel.BasicPublishAsync(_exchange, m.RoutingKey, mandatory: false, basicProperties: props, body: m.Body, cancellationToken: ct).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}
