using System.Collections;
using MassTransit;

namespace Mofa.Sync.Bench;

/// <summary>
/// Runs inside the benchmarked service, connected to its bus through DI (AddConsumeObserver), so
/// the service's own code is untouched. MassTransit calls PostConsume after the consumer returned,
/// that is after the store committed the event's writes (and before the acknowledgement): the
/// moment the event counts as applied. Each message is counted once by its bench index (a
/// redelivery after a lost channel is consumed again); its latency is measured from the publish
/// time header, and split at PreConsume (the consumer starting on it): before, the broker, the
/// prefetch buffer and the wait for a free consumer slot; after, the service's own parse, apply
/// and the wait for its commit.
/// </summary>
public sealed class AppliedObserver : IConsumeObserver
{
    private readonly Lock _gate = new();
    private readonly BitArray _seen = new(1024);
    private LatencyTicks _latencies = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _consumeStarted = new();
    private long _applied;
    private long _deliveries;
    private long _firstTicks;
    private long _lastTicks;

    /// <summary>Distinct messages applied (or acknowledged as ignored).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Consumed deliveries, redeliveries included.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long FirstTicks => Interlocked.Read(ref _firstTicks);

    public long LastTicks => Interlocked.Read(ref _lastTicks);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        var now = DateTime.UtcNow.Ticks;
        // Only the bench's messages: the service's own NotificationRequested messages pass here too.
        if (!context.Headers.TryGetHeader(BenchPublisher.IndexHeader, out var i) || i is not int index) return Task.CompletedTask;
        Interlocked.Increment(ref _deliveries);

        lock (_gate)
        {
            if (index >= _seen.Length) _seen.Length = Math.Max(index + 1, _seen.Length * 2);
            if (_seen[index])
            {
                // A redelivery of a counted message: its consumer start is not wanted either.
                _consumeStarted.TryRemove(index, out _);
                return Task.CompletedTask;
            }

            _seen[index] = true;
            if (IsWrite(context.Headers) && context.Headers.TryGetHeader(BenchPublisher.PublishedAtHeader, out var value) && value is long publishedAt)
            {
                _latencies.Total.Add(now - publishedAt);
                if (_consumeStarted.TryRemove(index, out var started))
                {
                    _latencies.Waiting.Add(started - publishedAt);
                    _latencies.InService.Add(now - started);
                }
            }
        }

        Interlocked.CompareExchange(ref _firstTicks, now, 0);
        Interlocked.Exchange(ref _lastTicks, now);
        Interlocked.Increment(ref _applied);
        return Task.CompletedTask;
    }

    /// <summary>The latencies recorded since the last call (the throughput phase's are thrown away this way).</summary>
    public LatencyTicks TakeLatencies()
    {
        lock (_gate)
        {
            var taken = _latencies;
            _latencies = new LatencyTicks();
            return taken;
        }
    }

    private static bool IsWrite(Headers headers) =>
        headers.TryGetHeader(BenchPublisher.WritesHeader, out var w) && w switch
        {
            string s => s == "1",
            byte[] b => b.Length == 1 && b[0] == (byte)'1',
            _ => false,
        };

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Headers.TryGetHeader(BenchPublisher.IndexHeader, out var i) && i is int index && IsWrite(context.Headers))
        {
            _consumeStarted[index] = DateTime.UtcNow.Ticks;
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>Each applied write's publish-to-applied time, and its two parts (split at the consumer's start).</summary>
public sealed class LatencyTicks
{
    public List<long> Total { get; } = new(capacity: 64 * 1024);

    public List<long> Waiting { get; } = new(capacity: 64 * 1024);

    public List<long> InService { get; } = new(capacity: 64 * 1024);
}
