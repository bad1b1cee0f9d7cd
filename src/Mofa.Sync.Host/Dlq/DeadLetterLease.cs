using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// The right to change one dead-letter queue (replay or purge), held by the broker: an exclusive
/// queue named after it ({queue}.lease), which only one connection can declare and which the
/// broker deletes when that connection closes or dies. Two passes at once each read past the
/// head the other had taken, into the messages that failed again meanwhile; one at a time, each
/// reads only what was there when it began.
/// </summary>
public sealed class DeadLetterLease : IAsyncDisposable
{
    public const string Suffix = ".lease";

    /// <summary>RESOURCE_LOCKED: the exclusive queue belongs to another connection.</summary>
    private const ushort ResourceLocked = 405;

    private readonly IChannel _channel;
    private readonly string _name;

    private DeadLetterLease(IChannel channel, string name)
    {
        _channel = channel;
        _name = name;
    }

    public static string NameFor(string queue) => queue + Suffix;

    /// <summary>Takes the lease, or throws <see cref="DeadLetterQueueBusyException"/> while another command holds it.</summary>
    internal static async Task<DeadLetterLease> TakeAsync(IConnection connection, string queue, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            // Classic whatever the service's queue type: a quorum queue cannot be exclusive.
            await channel.QueueDeclareAsync(NameFor(queue), durable: false, exclusive: true, autoDelete: true,
                new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken: ct);
            return new DeadLetterLease(channel, NameFor(queue));
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == ResourceLocked)
        {
            await channel.DisposeAsync();
            throw new DeadLetterQueueBusyException(queue);
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    /// <summary>The broker deletes an exclusive queue with its connection, not its channel: the lease is deleted here.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_channel.IsOpen)
            {
                await _channel.QueueDeleteAsync(_name, ifUnused: false, ifEmpty: false);
                await _channel.CloseAsync();
            }
        }
        finally
        {
            await _channel.DisposeAsync();
        }
    }
}
