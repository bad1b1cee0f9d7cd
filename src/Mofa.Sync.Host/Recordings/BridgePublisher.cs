using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Broker;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Recordings;

/// <summary>
/// Publishes raw bridge bodies the way the Moodle plugin does: to the topic exchange, persistent,
/// content type application/json, message-id = eventId, with publisher confirms. Messages that no
/// queue is bound for come back (mandatory) and are counted, instead of vanishing.
/// </summary>
public sealed class BridgePublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _exchange;
    private long _returned;

    private BridgePublisher(IConnection connection, IChannel channel, string exchange)
    {
        _connection = connection;
        _channel = channel;
        _exchange = exchange;
        _channel.BasicReturnAsync += (_, _) =>
        {
            Interlocked.Increment(ref _returned);
            return Task.CompletedTask;
        };
    }

    /// <summary>Messages the broker returned because no queue was bound for their routing key.</summary>
    public long Unroutable => Interlocked.Read(ref _returned);

    /// <param name="declareExchange">
    /// Declare the exchange when missing (tests and the bench); `mofa-sync publish` passes false: a
    /// missing exchange means a mistyped RabbitMq:Exchange or a topology not declared yet, and a
    /// new exchange with no queue bound would swallow every message.
    /// </param>
    public static async Task<BridgePublisher> ConnectAsync(RabbitMqOptions rabbit, CancellationToken ct, bool declareExchange = true)
    {
        var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync publish", ct: ct);
        if (!declareExchange && !await QueueDeclarationCheck.ExchangeExistsAsync(connection, rabbit.Exchange, ct))
        {
            await connection.CloseAsync(ct);
            await connection.DisposeAsync();
            throw new MissingExchangeException(rabbit.Exchange);
        }

        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        if (declareExchange) await channel.ExchangeDeclareAsync(rabbit.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        return new BridgePublisher(connection, channel, rabbit.Exchange);
    }

    /// <summary>Publishes one body; completes when the broker has confirmed it.</summary>
    public async Task PublishAsync(string routingKey, ReadOnlyMemory<byte> body, string? messageId, CancellationToken ct, string? contentType = BridgeExchange.ContentType)
    {
        var props = new BasicProperties
        {
            ContentType = contentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = messageId,
        };
        await _channel.BasicPublishAsync(_exchange, routingKey, mandatory: true, basicProperties: props, body: body, cancellationToken: ct);
    }

    /// <summary>Publishes many bodies with up to <paramref name="inFlight"/> unconfirmed at a time.</summary>
    public async Task PublishManyAsync(IEnumerable<BridgeLine> lines, int inFlight, Action<int>? progress, CancellationToken ct)
    {
        var pending = new List<Task>(inFlight);
        foreach (var line in lines)
        {
            pending.Add(PublishAsync(line.RoutingKey, line.Body, line.MessageId, ct));
            if (pending.Count >= inFlight)
            {
                await Task.WhenAll(pending);
                progress?.Invoke(pending.Count);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        progress?.Invoke(pending.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}
