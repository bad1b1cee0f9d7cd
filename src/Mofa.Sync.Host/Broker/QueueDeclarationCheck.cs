using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// Before the bus starts: declares the service's queues with the arguments of RabbitMq:QueueType
/// and RabbitMq:DeliveryLimit (the same ones MassTransit declares right after), and the _error
/// queues the quorum queues dead-letter into. A queue the broker already holds with other
/// arguments (say, a classic queue of an earlier version when quorum is asked for) stops the start
/// with a <see cref="QueueMismatchException"/> that names the setting and the migration, instead
/// of MassTransit retrying the declaration for ever.
/// </summary>
public sealed class QueueDeclarationCheck(RabbitMqOptions rabbit, ILogger<QueueDeclarationCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DeclareAsync(rabbit, cancellationToken);
        if (rabbit.QueueType == QueueType.Classic && rabbit.Nodes().Count > 1)
        {
            logger.LogWarning("RabbitMq:Hosts names {Count} nodes but RabbitMq:QueueType is Classic: each classic queue lives on one node, and the agent whose node is lost stops until that node is back. Set RabbitMq:QueueType=Quorum (docs/operations.md, running on a cluster)",
                rabbit.Nodes().Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task DeclareAsync(RabbitMqOptions rabbit, CancellationToken ct)
    {
        await using var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync queue check", automaticRecovery: false, ct);
        foreach (var queue in QueueNames.WorkQueues(rabbit.QueuePrefix))
        {
            await DeclareOneAsync(connection, rabbit, queue, ServiceQueues.WorkQueueArguments(rabbit, queue),
                ServiceQueues.WorkQueueArguments(Other(rabbit), queue), ct);

            // A quorum queue dead-letters into its _error queue, which must exist before the first message gets there.
            var error = QueueNames.ErrorOf(queue);
            if (rabbit.QueueType == QueueType.Quorum || await ExistsAsync(connection, error, ct))
            {
                await DeclareOneAsync(connection, rabbit, error, ServiceQueues.DeadLetterQueueArguments(rabbit), ServiceQueues.DeadLetterQueueArguments(Other(rabbit)), ct);
            }

            var skipped = QueueNames.SkippedOf(queue);
            if (await ExistsAsync(connection, skipped, ct))
            {
                await DeclareOneAsync(connection, rabbit, skipped, ServiceQueues.DeadLetterQueueArguments(rabbit), ServiceQueues.DeadLetterQueueArguments(Other(rabbit)), ct);
            }
        }

        await connection.CloseAsync(ct);
    }

    public static Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken ct) =>
        PassiveDeclareAsync(connection, c => c.QueueDeclarePassiveAsync(queue, ct), ct);

    /// <summary>Whether the exchange exists (a passive declare never creates it).</summary>
    public static Task<bool> ExchangeExistsAsync(IConnection connection, string exchange, CancellationToken ct) =>
        PassiveDeclareAsync(connection, c => c.ExchangeDeclarePassiveAsync(exchange, ct), ct);

    private static async Task<bool> PassiveDeclareAsync(IConnection connection, Func<IChannel, Task> declare, CancellationToken ct)
    {
        // A failed passive declare closes its channel, so each check gets its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await declare(channel);
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    /// <summary>The same settings with the other queue type: what an earlier deployment may have declared.</summary>
    private static RabbitMqOptions Other(RabbitMqOptions rabbit) => new()
    {
        QueueType = rabbit.QueueType == QueueType.Quorum ? QueueType.Classic : QueueType.Quorum,
        DeliveryLimit = rabbit.DeliveryLimit,
    };

    private static async Task DeclareOneAsync(IConnection connection, RabbitMqOptions rabbit, string queue,
        Dictionary<string, object?> arguments, Dictionary<string, object?> otherTypeArguments, CancellationToken ct)
    {
        string reply;
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            try
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
                return;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 406)
            {
                reply = ex.ShutdownReason.ReplyText;
            }
        }

        // RabbitMQ names the first argument that differs (alphabetically), not the type: a
        // declaration as the other type tells whether the type is what differs. It changes nothing.
        var otherType = false;
        await using (var probe = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            try
            {
                await probe.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, otherTypeArguments, cancellationToken: ct);
                otherType = true;
            }
            catch (OperationInterruptedException)
            {
            }
        }

        throw QueueMismatchException.From(rabbit, queue, reply, otherType);
    }
}

/// <summary>The broker holds one of the service's queues with other arguments than the settings ask for.</summary>
public sealed partial class QueueMismatchException(string message) : Exception(message)
{
    public const string MigrationCommand = "mofa-sync topology --migrate-queues";

    /// <summary>
    /// Explains RabbitMQ's "inequivalent arg 'x-…' for queue '…'" in terms of the settings;
    /// <paramref name="otherType"/>: the queue is of the other type than RabbitMq:QueueType asks for.
    /// </summary>
    public static QueueMismatchException From(RabbitMqOptions rabbit, string queue, string replyText, bool otherType)
    {
        var argument = InequivalentArgument().Match(replyText) is { Success: true } m ? m.Groups[1].Value : null;
        var current = rabbit.QueueType == QueueType.Quorum ? "a classic queue" : "a quorum queue";
        var (setting, what) = (otherType || argument == "x-queue-type") switch
        {
            true => ("RabbitMq:QueueType", $"is {current}, but RabbitMq:QueueType is {rabbit.QueueType} (RabbitMQ cannot change a queue's type in place)"),
            false when argument == "x-delivery-limit" => ("RabbitMq:DeliveryLimit", $"has another delivery limit than RabbitMq:DeliveryLimit={rabbit.DeliveryLimit}"),
            false => ("RabbitMq:QueueType", $"was declared with other arguments ({argument ?? "see the broker's reply"})"),
        };
        var variable = "MOFASYNC__" + setting.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
        return new QueueMismatchException(
            $"the broker's queue '{queue}' {what}. Stop every mofa-sync service, then move the queues and their messages " +
            $"with `{MigrationCommand}` run with the new settings (docs/operations.md, \"Changing the queue type\"); " +
            $"or keep the queues as they are by setting {setting} ({variable}) back. Broker's reply: {replyText}");
    }

    [GeneratedRegex("inequivalent arg '([^']+)'")]
    private static partial Regex InequivalentArgument();
}
