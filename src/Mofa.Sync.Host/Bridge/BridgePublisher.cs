using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Broker;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Bridge;

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

/// <summary>One recorded bridge message: its routing key, body and message id.</summary>
public sealed record BridgeLine(string RoutingKey, byte[] Body, string? MessageId)
{
    /// <summary>
    /// Reads a line of a .jsonl recording. The routing key comes from the body's eventName unless
    /// <paramref name="fixedRoutingKey"/> is given; the message id is the body's eventId.
    /// </summary>
    public static BridgeLine FromJsonLine(string line, string? fixedRoutingKey, int lineNumber)
    {
        string? eventName = null, eventId = null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("eventName", out var n) && n.ValueKind == JsonValueKind.String) eventName = n.GetString();
                if (doc.RootElement.TryGetProperty("eventId", out var i) && i.ValueKind == JsonValueKind.String) eventId = i.GetString();
            }
        }
        catch (JsonException) when (fixedRoutingKey is not null)
        {
            // Published as it is: recording a broken message on purpose is allowed with --routing-key.
        }
        catch (JsonException ex)
        {
            throw new FormatException($"line {lineNumber}: not JSON ({ex.Message.Split(" Path:")[0]})");
        }

        var routingKey = fixedRoutingKey ?? BridgeRoutingKeys.FromEventName(eventName)
            ?? throw new FormatException($"line {lineNumber}: no routing key: eventName '{eventName}' is not of the form \\component\\event\\name (use --routing-key to set one)");
        return new BridgeLine(routingKey, Encoding.UTF8.GetBytes(line), eventId);
    }
}

/// <summary>The exchange is not there: nothing is published and nothing is declared.</summary>
public sealed class MissingExchangeException(string exchange)
    : Exception($"the exchange {exchange} does not exist on the broker: check RabbitMq:Exchange, or declare the exchange and the agents' queues with `mofa-sync topology`");
