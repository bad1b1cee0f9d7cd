using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>One AMQP connection for the dead-letter tooling: finds the queues, opens reading passes and publishing channels.</summary>
public sealed class DeadLetterBroker : IAsyncDisposable
{
    private readonly IConnection _connection;

    private DeadLetterBroker(IConnection connection, RabbitMqOptions rabbit)
    {
        _connection = connection;
        Rabbit = rabbit;
    }

    public RabbitMqOptions Rabbit { get; }

    public static async Task<DeadLetterBroker> ConnectAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        // A tool holds messages unacknowledged on purpose; a reconnect would silently requeue them mid-pass.
        return new DeadLetterBroker(await BrokerConnection.ConnectAsync(rabbit, "mofa-sync dlq", automaticRecovery: false, ct), rabbit);
    }

    public sealed record QueueDepth(string Queue, uint Messages, uint Consumers);

    /// <summary>The service's dead-letter queues that exist, with their depth (passive declares create nothing).</summary>
    public async Task<IReadOnlyList<QueueDepth>> ExistingQueuesAsync(CancellationToken ct)
    {
        var found = new List<QueueDepth>();
        foreach (var name in QueueNames.DeadLetterQueues(Rabbit.QueuePrefix))
        {
            if (await DepthAsync(name, ct) is { } depth) found.Add(depth);
        }

        return found;
    }

    /// <summary>The queue's depth, or null when it does not exist.</summary>
    public async Task<QueueDepth?> DepthAsync(string queue, CancellationToken ct)
    {
        // A failed passive declare closes its channel, so each check gets its own.
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
            return new QueueDepth(queue, ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }

    /// <summary>The right to change the queue while this connection lives; <see cref="DeadLetterQueueBusyException"/> while another command holds it.</summary>
    public Task<DeadLetterLease> TakeLeaseAsync(string queue, CancellationToken ct) => DeadLetterLease.TakeAsync(_connection, queue, ct);

    public Task<DeadLetterPass> OpenPassAsync(string queue, CancellationToken ct) => DeadLetterPass.OpenAsync(_connection, queue, ct, Rabbit.DeliveryLimit);

    /// <summary>A channel whose publishes complete only when the broker has confirmed them (or throw when it refused or returned them).</summary>
    public Task<IChannel> OpenConfirmedPublishChannelAsync(CancellationToken ct) =>
        _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsOpen) await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}
