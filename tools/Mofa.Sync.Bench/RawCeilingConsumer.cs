using System.Diagnostics;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Broker;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Bench;

/// <summary>
/// The ceiling: how fast plain RabbitMQ.Client takes the same messages off the same agent queues,
/// one channel per queue, prefetch 200, each message acknowledged on its own, no work done.
/// </summary>
public static class RawCeilingConsumer
{
    public const ushort Prefetch = 200;

    /// <summary>Consumes until <paramref name="expected"/> messages are acknowledged; returns the rate between the first and the last.</summary>
    public static async Task<double> ConsumeAsync(RabbitMqOptions rabbit, int expected, TimeSpan limit, CancellationToken ct)
    {
        var connection = await BrokerConnection.ConnectAsync(rabbit, "mofa-sync-bench ceiling", ct: ct);
        await using (connection)
        {
            long acked = 0, first = 0, last = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var channels = new List<IChannel>();
            foreach (var agent in Enum.GetValues<SyncAgent>())
            {
                var channel = await connection.CreateChannelAsync(cancellationToken: ct);
                channels.Add(channel);
                await channel.BasicQosAsync(0, Prefetch, global: false, ct);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += async (_, delivery) =>
                {
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.CompareExchange(ref first, now, 0);
                    Interlocked.Exchange(ref last, now);
                    if (Interlocked.Increment(ref acked) == expected) done.TrySetResult();
                };
                await channel.BasicConsumeAsync(QueueNames.Agent(rabbit.QueuePrefix, agent), autoAck: false, consumer, ct);
            }

            try
            {
                await done.Task.WaitAsync(limit, ct);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the raw consumer took only {Interlocked.Read(ref acked)} of {expected} messages within {limit.TotalSeconds:0} s");
            }
            finally
            {
                foreach (var channel in channels)
                {
                    await channel.CloseAsync(CancellationToken.None);
                    await channel.DisposeAsync();
                }

                await connection.CloseAsync(CancellationToken.None);
            }

            return RateBetween(expected, first, last);
        }
    }

    /// <summary>Messages per second between the first and the last of <paramref name="count"/> (Stopwatch timestamps).</summary>
    public static double RateBetween(long count, long first, long last) =>
        last > first ? (count - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds : 0;
}
