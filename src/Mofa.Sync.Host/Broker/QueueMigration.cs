using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Mofa.Sync.Consumers.Parsing;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// `mofa-sync topology --migrate-queues`: moves each of the service's queues that the broker holds
/// with other arguments (another type, another delivery limit) into a queue declared as the
/// settings say, messages included, in their order. For each such queue:
/// a holding queue {queue}.migrating is declared and bound to the queue's exchange (so messages
/// published meanwhile land there), the messages are moved into it, the old queue is deleted
/// (only when empty) and declared anew, the holding queue is unbound and its messages moved back,
/// and it is deleted. Every move acknowledges a message only after the broker confirmed its copy,
/// so a crash leaves a message at worst twice (the apply rules absorb that), never nowhere; running
/// the command again finishes an interrupted migration. The services must be stopped: a queue with
/// consumers is refused.
/// </summary>
public static class QueueMigration
{
    public const string HoldingSuffix = ".migrating";

    /// <summary>Copies awaiting their confirm at once during a move.</summary>
    private const int InFlight = 200;

    public sealed record Result(string Queue, long Moved);

    /// <param name="dryRun">Only say which queues would move, with their messages now, and change nothing.</param>
    public static async Task<IReadOnlyList<Result>> MigrateAsync(RabbitMqOptions rabbit, Action<string>? log, CancellationToken ct, bool dryRun = false)
    {
        var results = new List<Result>();
        await using var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync migrate queues", automaticRecovery: false, ct);
        foreach (var (queue, arguments) in Wanted(rabbit))
        {
            var holding = queue + HoldingSuffix;
            var interrupted = await QueueDeclarationCheck.ExistsAsync(connection, holding, ct);
            if (!interrupted && await MatchesAsync(connection, queue, arguments, ct)) continue;
            if (dryRun)
            {
                long depth = 0;
                if (await QueueDeclarationCheck.ExistsAsync(connection, queue, ct))
                {
                    await WithChannelAsync(connection, async c => depth = (await c.QueueDeclarePassiveAsync(queue, ct)).MessageCount, ct);
                }

                results.Add(new Result(queue, depth));
                log?.Invoke(interrupted ? $"{queue}: would finish an interrupted migration ({depth} messages in it now, more in {holding})" : $"{queue}: would move {depth} messages to the new arguments");
                continue;
            }


            log?.Invoke(interrupted ? $"{queue}: finishing an interrupted migration" : $"{queue}: moving to the new arguments");
            await MigrateOneAsync(connection, queue, holding, arguments, ct);
            results.Add(new Result(queue, await MoveAsync(connection, holding, queue, ct)));
            await WithChannelAsync(connection, c => c.QueueDeleteAsync(holding, ifUnused: false, ifEmpty: true, cancellationToken: ct), ct);
            log?.Invoke($"{queue}: done, {results[^1].Moved} messages moved");
        }

        await connection.CloseAsync(ct);
        return results;
    }

    /// <summary>Every queue the service may have, with the arguments the settings give it (dead-letter queues only where they exist).</summary>
    private static IEnumerable<(string Queue, Dictionary<string, object?> Arguments)> Wanted(RabbitMqOptions rabbit)
    {
        foreach (var queue in QueueNames.WorkQueues(rabbit.QueuePrefix))
        {
            yield return (queue, ServiceQueues.WorkQueueArguments(rabbit, queue));
            yield return (QueueNames.ErrorOf(queue), ServiceQueues.DeadLetterQueueArguments(rabbit));
            yield return (QueueNames.SkippedOf(queue), ServiceQueues.DeadLetterQueueArguments(rabbit));
        }
    }

    /// <summary>True when the queue is missing (nothing to move; the service declares it) or already has these arguments.</summary>
    private static async Task<bool> MatchesAsync(IConnection connection, string queue, Dictionary<string, object?> arguments, CancellationToken ct)
    {
        if (!await QueueDeclarationCheck.ExistsAsync(connection, queue, ct)) return true;
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 406)
        {
            return false;
        }
    }

    private static async Task MigrateOneAsync(IConnection connection, string queue, string holding, Dictionary<string, object?> arguments, CancellationToken ct)
    {
        // MassTransit publishes to an exchange named like the queue, bound to it; the bridge's exchange feeds that one.
        var exchange = await QueueDeclarationCheck.ExchangeExistsAsync(connection, queue, ct) ? queue : null;
        await WithChannelAsync(connection, c => c.QueueDeclareAsync(holding, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct), ct);
        if (exchange is not null) await WithChannelAsync(connection, c => c.QueueBindAsync(holding, exchange, string.Empty, cancellationToken: ct), ct);

        // The old queue is emptied into the holding queue and deleted only when empty.
        while (await QueueDeclarationCheck.ExistsAsync(connection, queue, ct) && !await MatchesAsync(connection, queue, arguments, ct))
        {
            var state = await PassiveAsync(connection, queue, ct);
            if (state.ConsumerCount > 0)
            {
                throw new InvalidOperationException($"the queue '{queue}' has {state.ConsumerCount} consumer(s): stop every mofa-sync service before migrating its queues");
            }

            await MoveAsync(connection, queue, holding, ct);
            try
            {
                await WithChannelAsync(connection, c => c.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true, cancellationToken: ct), ct);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 406)
            {
                // A message arrived after the move (the bridge publishes): move again.
            }
        }

        await WithChannelAsync(connection, c => c.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct), ct);
        if (exchange is not null)
        {
            await WithChannelAsync(connection, c => c.QueueBindAsync(queue, exchange, string.Empty, cancellationToken: ct), ct);
            // From now on new messages reach the new queue only; the held ones follow them (the apply rules do not mind the order).
            await WithChannelAsync(connection, c => c.QueueUnbindAsync(holding, exchange, string.Empty, cancellationToken: ct), ct);
        }
    }

    /// <summary>Moves every message from one queue to another, each acknowledged only after its copy was confirmed.</summary>
    private static async Task<long> MoveAsync(IConnection connection, string from, string to, CancellationToken ct)
    {
        long moved = 0;
        await using var source = await connection.CreateChannelAsync(cancellationToken: ct);
        await using var target = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var confirms = new List<Task>(InFlight);
        ulong lastTag = 0;
        async Task SettleAsync()
        {
            // Every copy confirmed: the originals up to the last one go (one multiple ack).
            await Task.WhenAll(confirms);
            if (confirms.Count > 0) await source.BasicAckAsync(lastTag, multiple: true, ct);
            moved += confirms.Count;
            confirms.Clear();
        }

        while (await source.BasicGetAsync(from, autoAck: false, ct) is { } got)
        {
            // mandatory: should the target have gone, the message comes back (an exception) instead of vanishing.
            confirms.Add(target.BasicPublishAsync(string.Empty, to, mandatory: true, KeepingRoutingKey(got), got.Body.ToArray(), ct).AsTask());
            lastTag = got.DeliveryTag;
            if (confirms.Count >= InFlight) await SettleAsync();
        }

        await SettleAsync();
        return moved;
    }

    /// <summary>
    /// The message's properties, with the routing key it was published with in the header a replay
    /// carries (OriginalRoutingKey): moved through the default exchange, its delivery's routing key
    /// becomes the queue's name, and the agents judge a message's kind by the routing key alone.
    /// </summary>
    private static BasicProperties KeepingRoutingKey(BasicGetResult got)
    {
        var properties = new BasicProperties(got.BasicProperties);
        if (got.Exchange.Length == 0 || OriginalRoutingKey.Read(properties.Headers) is not null) return properties;
        var headers = properties.Headers is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(properties.Headers, StringComparer.Ordinal);
        headers[OriginalRoutingKey.Header] = System.Text.Encoding.UTF8.GetBytes(got.RoutingKey);
        properties.Headers = headers;
        return properties;
    }

    private static async Task<QueueDeclareOk> PassiveAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        return await channel.QueueDeclarePassiveAsync(queue, ct);
    }

    private static async Task WithChannelAsync(IConnection connection, Func<IChannel, Task> action, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await action(channel);
    }
}
