using RabbitMQ.Client;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// One pass over a dead-letter queue as it was when the pass began. Messages are taken with
/// basic.get and left unacknowledged; those the caller acknowledges leave the queue, and closing
/// the pass hands every other one back to RabbitMQ, which puts it back at its old position. So
/// reading never reorders what it does not take. Messages that arrive during the pass (say, a
/// replayed one failing again) join the tail and are not read by this pass.
/// </summary>
public sealed class DeadLetterPass : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly string _queue;
    private long? _total;
    private long _read;

    private DeadLetterPass(IChannel channel, string queue)
    {
        _channel = channel;
        _queue = queue;
    }

    internal static async Task<DeadLetterPass> OpenAsync(IConnection connection, string queue, CancellationToken ct, int? deliveryLimit = null) =>
        new(await connection.CreateChannelAsync(cancellationToken: ct), queue) { _deliveryLimit = deliveryLimit };

    /// <summary>RabbitMq:DeliveryLimit, for the reason of messages the broker dead-lettered.</summary>
    private int? _deliveryLimit;

    /// <summary>Messages in the queue when the pass began (known after the first read).</summary>
    public long? Total => _total;

    public long Read => _read;

    /// <summary>The next message of the snapshot, or null when the pass has seen them all.</summary>
    public async Task<DeadLetterMessage?> NextAsync(CancellationToken ct)
    {
        if (_total is { } total && _read >= total) return null;
        var got = await _channel.BasicGetAsync(_queue, autoAck: false, ct);
        if (got is null)
        {
            _total ??= 0;
            return null;
        }

        // MessageCount is what is left behind this message: the snapshot is it plus this one.
        _total ??= got.MessageCount + 1;
        _read++;
        return DeadLetterMessage.From(_queue, got, _deliveryLimit);
    }

    /// <summary>Removes the message from the queue for good.</summary>
    public async Task AcknowledgeAsync(DeadLetterMessage message, CancellationToken ct) =>
        await _channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);

    /// <summary>Closing the channel returns every message not acknowledged.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_channel.IsOpen) await _channel.CloseAsync();
        }
        finally
        {
            await _channel.DisposeAsync();
        }
    }
}
