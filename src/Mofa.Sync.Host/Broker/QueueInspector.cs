using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Broker;

/// <summary>Reads queue depths and consumer counts with passive declares (which never create anything).</summary>
public sealed class QueueInspector : IAsyncDisposable
{
    private readonly IConnection _connection;

    private QueueInspector(IConnection connection) => _connection = connection;

    public static async Task<QueueInspector> ConnectAsync(RabbitMqOptions rabbit, CancellationToken ct) =>
        new(await BrokerConnection.ConnectAsync(rabbit, "mofa-sync inspect", ct: ct));

    /// <summary>Whether the connection is still open (a passive declare on a closed one reads as a missing queue).</summary>
    public bool IsOpen => _connection.IsOpen;

    public sealed record QueueState(string Name, bool Exists, uint Messages, uint Consumers);

    /// <summary>A passive declare that fails closes its channel, so each check gets its own.</summary>
    public async Task<QueueState> InspectAsync(string queue, CancellationToken ct)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
            return new QueueState(queue, true, ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException)
        {
            return new QueueState(queue, false, 0, 0);
        }
    }

    /// <summary>Whether the exchange exists, by a passive declare (which never creates it).</summary>
    public Task<bool> ExchangeExistsAsync(string exchange, CancellationToken ct) => QueueDeclarationCheck.ExchangeExistsAsync(_connection, exchange, ct);

    /// <summary>Ready messages waiting in the four agent queues.</summary>
    public async Task<long> AgentBacklogAsync(string prefix, CancellationToken ct)
    {
        long total = 0;
        foreach (var queue in QueueNames.Agents(prefix))
        {
            total += (await InspectAsync(queue, ct)).Messages;
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}
