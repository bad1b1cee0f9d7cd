using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using MassTransit;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;
using RabbitMQ.Client;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// Moves a faulted message to its endpoint's _error queue in place of MassTransit's error
/// transport, with a copy that always fits the broker's frame: MassTransit copies every original
/// header and the whole body and adds the fault headers with the stack trace, so a message with
/// a large header table made a copy above frame_max, the broker closed the whole connection and
/// the message came back for ever. This copy carries:
/// <list type="bullet">
/// <item>the original headers only when they are within RabbitMq:MaxHeaderBytes (otherwise none,
/// and <see cref="HeadersDroppedHeader"/> gives their size), without any failure record they
/// brought along (<see cref="FailureHeaders"/>);</item>
/// <item>the body, or its first <see cref="CutBodyBytes"/> bytes when it is above
/// RabbitMq:MaxBodyBytes (<see cref="BodyCutHeader"/>; such a message cannot be replayed);</item>
/// <item>MassTransit's fault headers that the dlq commands read (reason, exception type, input
/// address, retry count, time) without the stack trace, which goes to the log instead;</item>
/// <item>the original routing key and body size.</item>
/// </list>
/// It is published with the original routing key, confirmed, before the delivery is acknowledged;
/// a failed move is logged, counted and rethrown (the delivery is redelivered).
/// </summary>
public sealed class BoundedErrorTransportFilter(MessageLimits limits, SyncMetrics metrics, ILogger logger,
    IReadOnlyDictionary<string, object?> errorQueueArguments, bool bridgeEvents) : IFilter<ExceptionReceiveContext>
{
    public const int CutBodyBytes = 4096;
    public const int MaxReasonLength = 2000;

    /// <summary>The original routing key: the header a replay reads (see OriginalRoutingKey).</summary>
    public const string RoutingKeyHeader = OriginalRoutingKey.Header;
    public const string BodyBytesHeader = "MofaSync-Body-Bytes";
    public const string BodyCutHeader = "MofaSync-Body-Cut";
    public const string HeadersDroppedHeader = "MofaSync-Headers-Dropped";

    /// <summary>The _error exchanges and queues declared on each channel (a channel forgets nothing until it closes).</summary>
    private static readonly ConditionalWeakTable<IChannel, ConcurrentDictionary<string, Lazy<Task>>> Declared = new();

    public void Probe(ProbeContext context) => context.CreateFilterScope("boundedErrorTransport");

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (!context.TryGetPayload(out ChannelContext? channel) || !context.TryGetPayload(out RabbitMqBasicConsumeContext? delivery))
        {
            throw new InvalidOperationException("the bounded error transport runs on RabbitMQ receive endpoints only");
        }

        var errorQueue = ErrorQueueOf(context.InputAddress);
        if (context.Exception is not InvalidBridgeMessageException)
        {
            // Invalid messages are logged by the consumer with their reason; a trace says nothing more there.
            // One line (the copy in _error carries the reason); the stack trace only at Debug.
            var failure = context.Exception.GetBaseException();
            logger.LogWarning("Message {MessageId} on {Queue} faulted ({Error}: {Reason}); moving it to {ErrorQueue}",
                MessageIdOf(delivery), context.InputAddress.AbsolutePath.Trim('/'), failure.GetType().Name, Echo.Cut(failure.Message), errorQueue);
            logger.LogDebug(context.Exception, "Message {MessageId} faulted with this stack trace", MessageIdOf(delivery));
        }

        try
        {
            await Declare(channel, errorQueue, errorQueueArguments);
            var (properties, body) = Copy(context, delivery);
            await channel.BasicPublishAsync(errorQueue, OriginalRoutingKey.Of(delivery) ?? "", true, properties, body, true, context.CancellationToken);
        }
        catch (Exception ex)
        {
            metrics.TransportError("error_move_failed");
            logger.LogWarning("Moving message {MessageId} to {ErrorQueue} failed ({Error}: {Message}); it stays unacknowledged and comes back",
                MessageIdOf(delivery), errorQueue, ex.GetType().Name, ex.Message);
            throw;
        }

        metrics.DeadLettered(context.InputAddress, OriginalRoutingKey.Of(delivery), faulted: bridgeEvents && context.Exception is not InvalidBridgeMessageException);
        await next.Send(context);
    }

    /// <summary>The AMQP message-id as the publisher set it, quoted through the one sanitizer for a log line.</summary>
    public static string MessageIdOf(RabbitMqBasicConsumeContext delivery) =>
        string.IsNullOrEmpty(delivery.Properties.MessageId) ? "(no message-id)" : Echo.Cut(delivery.Properties.MessageId);

    /// <summary>The bounded copy: properties, headers and body.</summary>
    internal (BasicProperties Properties, byte[] Body) Copy(ExceptionReceiveContext context, RabbitMqBasicConsumeContext delivery)
    {
        var original = delivery.Properties;
        var properties = new BasicProperties
        {
            ContentType = original.ContentType,
            ContentEncoding = original.ContentEncoding,
            MessageId = original.MessageId,
            CorrelationId = original.CorrelationId,
            Type = original.Type,
            AppId = original.AppId,
            Timestamp = original.Timestamp,
            Persistent = true,
        };

        var headers = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (limits.HeadersTooLarge(original.Headers))
        {
            headers[HeadersDroppedHeader] = HeaderTableSize.Of(original.Headers);
        }
        else if (original.Headers is not null)
        {
            // The failure's record is this copy's own: one the message brought along (a forged retry
            // count or x-death, an old failure's stack trace) would be read as this failure's.
            foreach (var (name, value) in original.Headers)
            {
                if (!FailureHeaders.IsFailureRecord(name)) headers[name] = value;
            }
        }

        // An oversized body is never copied whole: only its preview is read.
        var length = context.Body.Length ?? context.GetBody().LongLength;
        byte[] body;
        if (limits.BodyTooLarge(length))
        {
            body = Preview(context.Body, (int)Math.Min(CutBodyBytes, length));
            headers[BodyCutHeader] = "true";
        }
        else
        {
            body = context.GetBody();
        }

        var exception = context.Exception.GetBaseException();
        var message = PlainText.Escape(exception.Message);
        var reason = message.Length <= MaxReasonLength ? message : string.Concat(message.AsSpan(0, MaxReasonLength), "…");
        headers["MT-Reason"] = "fault";
        headers["MT-Fault-ExceptionType"] = exception.GetType().FullName;
        headers["MT-Fault-Message"] = reason;
        headers["MT-Fault-InputAddress"] = context.InputAddress.ToString();
        if (context.TryGetPayload(out RetryContext? retry) && retry.RetryCount > 0) headers["MT-Fault-RetryCount"] = retry.RetryCount;
        headers["MT-Fault-Timestamp"] = context.ExceptionTimestamp.ToString("O", CultureInfo.InvariantCulture);
        headers["MT-Host-MachineName"] = Environment.MachineName;
        headers["MT-Host-ProcessId"] = Environment.ProcessId;
        headers[RoutingKeyHeader] = OriginalRoutingKey.Of(delivery) ?? "";
        headers[BodyBytesHeader] = length;
        properties.Headers = headers;
        return (properties, body);
    }

    private static byte[] Preview(MessageBody body, int count)
    {
        var preview = new byte[count];
        using var stream = body.GetStream();
        stream.ReadExactly(preview);
        return preview;
    }

    /// <summary>The _error exchange (fanout) bound to its queue, both durable: as MassTransit declares them.</summary>
    private static async Task Declare(ChannelContext channel, string errorQueue, IReadOnlyDictionary<string, object?> queueArguments)
    {
        var declared = Declared.GetValue(channel.Channel, _ => new ConcurrentDictionary<string, Lazy<Task>>(StringComparer.Ordinal));
        var declaring = declared.GetOrAdd(errorQueue, name => new Lazy<Task>(async () =>
        {
            await channel.ExchangeDeclare(name, ExchangeType.Fanout, true, false, new Dictionary<string, object>(), CancellationToken.None);
            // With the queue's own type: a quorum _error queue redeclared as classic would close the channel.
            await channel.QueueDeclare(name, true, false, false, queueArguments.ToDictionary(a => a.Key, a => a.Value!), CancellationToken.None);
            await channel.QueueBind(name, name, "", new Dictionary<string, object>(), CancellationToken.None);
        }));
        try
        {
            await declaring.Value;
        }
        catch
        {
            // Tried again with the next fault.
            declared.TryRemove(errorQueue, out _);
            throw;
        }
    }

    public static string ErrorQueueOf(Uri inputAddress) => Edge.QueueNames.ErrorOf(QueueOf(inputAddress));

    /// <summary>The queue a receive endpoint's address names (rabbitmq://host/vhost/queue → queue).</summary>
    public static string QueueOf(Uri inputAddress)
    {
        var path = Uri.UnescapeDataString(inputAddress.AbsolutePath).TrimEnd('/');
        return path[(path.LastIndexOf('/') + 1)..];
    }
}
