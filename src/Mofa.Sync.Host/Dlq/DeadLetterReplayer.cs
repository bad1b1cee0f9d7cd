using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// Moves dead-lettered messages back to the queue they failed on: each is republished through the
/// default exchange (routing key = the queue name) with its original properties and without the
/// failure's headers, and its dead-letter copy is acknowledged only after the broker confirmed the
/// republish. A crash in between leaves both copies, so at worst a message is replayed twice,
/// which the apply rules absorb. A message that fails again lands back in _error with its new reason.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterBroker broker)
{
    /// <summary>Republishes awaiting their confirm at once: enough to keep the broker's disk busy, few to redo after a crash.</summary>
    private const int InFlight = 64;

    public sealed record Failure(string? EventId, string Target, string Error);

    public sealed record Result(string Queue, bool DryRun, long Examined, long Matched, long Replayed, IReadOnlyDictionary<string, long> ByTarget, IReadOnlyList<Failure> Failures);

    /// <param name="examined">Called with the number of messages looked at since the last call (for a progress bar).</param>
    public async Task<Result> ReplayAsync(string queue, DeadLetterFilter filter, bool dryRun, Action<int>? examined, CancellationToken ct)
    {
        long matched = 0, replayed = 0;
        var byTarget = new Dictionary<string, long>(StringComparer.Ordinal);
        var failures = new List<Failure>();

        await using var pass = await broker.OpenPassAsync(queue, ct);
        await using var publish = await broker.OpenConfirmedPublishChannelAsync(ct);
        var pending = new List<(DeadLetterMessage Message, Task Confirmed)>(InFlight);

        async Task SettleAsync()
        {
            foreach (var (message, confirmed) in pending)
            {
                try
                {
                    await confirmed;
                    await pass.AcknowledgeAsync(message, ct);
                    replayed++;
                    byTarget[message.ReplayQueue] = byTarget.GetValueOrDefault(message.ReplayQueue) + 1;
                }
                catch (Exception ex) when (ex is PublishException or OperationInterruptedException or AlreadyClosedException)
                {
                    // Not acknowledged: the message stays in the dead-letter queue.
                    failures.Add(new Failure(message.EventId, message.ReplayQueue, Explain(ex, message.ReplayQueue)));
                }
            }

            pending.Clear();
        }

        while ((filter.Limit is null || matched < filter.Limit) && await pass.NextAsync(ct) is { } message)
        {
            examined?.Invoke(1);
            if (!filter.Matches(message)) continue;
            matched++;
            if (dryRun)
            {
                byTarget[message.ReplayQueue] = byTarget.GetValueOrDefault(message.ReplayQueue) + 1;
                continue;
            }

            if (!publish.IsOpen)
            {
                failures.Add(new Failure(message.EventId, message.ReplayQueue, "the publishing channel was closed by an earlier failure"));
                continue;
            }

            pending.Add((message, RepublishAsync(publish, message, ct)));
            if (pending.Count >= InFlight) await SettleAsync();
        }

        await SettleAsync();
        return new Result(queue, dryRun, pass.Read, matched, dryRun ? 0 : replayed, byTarget, failures);
    }

    private static Task RepublishAsync(IChannel channel, DeadLetterMessage message, CancellationToken ct)
    {
        var properties = new BasicProperties(message.Properties)
        {
            Headers = DeadLetterHeaders.WithoutFailure(message.Properties.Headers),
        };

        // mandatory: a target queue that no longer exists returns the message instead of dropping it.
        return channel.BasicPublishAsync(string.Empty, message.ReplayQueue, mandatory: true, properties, message.Body, ct).AsTask();
    }

    private static string Explain(Exception ex, string target) => ex switch
    {
        PublishReturnException => $"the queue '{target}' does not exist (the broker returned the message)",
        PublishException => "the broker refused the message (nack)",
        _ => ex.Message,
    };
}
