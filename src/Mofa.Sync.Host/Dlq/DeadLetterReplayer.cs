using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Parsing;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// Moves dead-lettered messages back to the queue their dead-letter queue belongs to (X_error → X,
/// never a queue a header names): each is republished through the default exchange (routing key =
/// the queue name) with its original properties, without the failure's headers, with its original
/// routing key in the MofaSync-Routing-Key header (the consumer judges its kind by that key, as on
/// its first delivery) and this pass's id in MofaSync-Replay-Pass. Its dead-letter copy is
/// acknowledged only after the broker confirmed the republish. A crash in between leaves both
/// copies, so at worst a message is replayed twice, which the apply rules absorb.
/// <para>
/// One pass at a time per queue (<see cref="DeadLetterLease"/>). A message that fails again comes
/// back to the tail with this pass's id: the pass stops there and never removes it. A copy is
/// removed as a duplicate only when it is not one of those and this pass's republish of the same
/// message (same message-id and body: what an interrupted replay leaves behind) was confirmed.
/// </para>
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterBroker broker)
{
    /// <summary>Republishes awaiting their confirm at once: enough to keep the broker's disk busy, few to redo after a crash.</summary>
    private const int InFlight = 64;

    public sealed record Failure(string? EventId, string Target, string Error);

    public sealed record Result(
        string Queue, bool DryRun, long Examined, long Matched, long Replayed, long DuplicatesRemoved,
        IReadOnlyDictionary<string, long> ByTarget, IReadOnlyList<Failure> Failures, long FailedAfterCutoff = 0);

    /// <param name="examined">Called with the number of messages looked at since the last call (for a progress bar).</param>
    public async Task<Result> ReplayAsync(string queue, DeadLetterFilter filter, bool dryRun, Action<int>? examined, CancellationToken ct)
    {
        long matched = 0, replayed = 0, duplicates = 0, joined = 0;
        var byTarget = new Dictionary<string, long>(StringComparer.Ordinal);
        var failures = new List<Failure>();

        // Each message replayed in this pass, by identity, with its republish's confirm: a later copy goes once that confirm came.
        var replayedCopies = new Dictionary<string, Task>(StringComparer.Ordinal);
        var passId = Guid.NewGuid().ToString("N");

        // A dry run changes nothing, so it needs no lease and does not keep a replay waiting.
        await using var lease = dryRun ? null : await broker.TakeLeaseAsync(queue, ct);
        await using var pass = await broker.OpenPassAsync(queue, ct);
        await using var publish = await broker.OpenConfirmedPublishChannelAsync(ct);
        var pending = new List<(DeadLetterMessage Message, Task Confirmed, bool Duplicate)>(InFlight);

        async Task SettleAsync()
        {
            foreach (var (message, confirmed, duplicate) in pending)
            {
                try
                {
                    await confirmed;
                    await pass.AcknowledgeAsync(message, ct);
                    if (duplicate)
                    {
                        duplicates++;
                        continue;
                    }

                    replayed++;
                    byTarget[message.ReplayQueue] = byTarget.GetValueOrDefault(message.ReplayQueue) + 1;
                }
                catch (Exception ex) when (duplicate && ex is PublishException or OperationInterruptedException or AlreadyClosedException)
                {
                    // Its first copy was not replayed: this one stays too, and the failure is reported once, for that copy.
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

            // This pass's own republish, failed again: everything from here on came after the pass began.
            if (message.ReplayPass == passId) break;
            if (!filter.Matches(message))
            {
                // A failure that joined the group after the command began: the next decision's, not this pass's.
                if (filter.FailedAfterCutoff(message)) joined++;
                continue;
            }

            var identity = message.Identity;
            if (replayedCopies.TryGetValue(identity, out var firstCopyConfirmed))
            {
                if (!dryRun) pending.Add((message, firstCopyConfirmed, true));
                else duplicates++;
                if (pending.Count >= InFlight) await SettleAsync();
                continue;
            }

            matched++;
            if (dryRun)
            {
                replayedCopies[identity] = Task.CompletedTask;
                byTarget[message.ReplayQueue] = byTarget.GetValueOrDefault(message.ReplayQueue) + 1;
                continue;
            }

            if (!publish.IsOpen)
            {
                failures.Add(new Failure(message.EventId, message.ReplayQueue, "the publishing channel was closed by an earlier failure"));
                continue;
            }

            var confirmed = RepublishAsync(publish, message, passId, ct);
            replayedCopies[identity] = confirmed;
            pending.Add((message, confirmed, false));
            if (pending.Count >= InFlight) await SettleAsync();
        }

        await SettleAsync();
        return new Result(queue, dryRun, pass.Read, matched, dryRun ? 0 : replayed, duplicates, byTarget, failures, joined);
    }

    private static Task RepublishAsync(IChannel channel, DeadLetterMessage message, string passId, CancellationToken ct) =>
        RepublishAsync(channel, message, message.Body, passId, ct);

    /// <summary>
    /// Sends <paramref name="body"/> back to the message's replay queue with the message's properties,
    /// without the failure's headers (the broker's x-death and a quorum queue's x-delivery-count among
    /// them: it starts with a fresh delivery count), with its original routing key and the pass's id.
    /// Completes when the broker has confirmed it.
    /// </summary>
    internal static Task RepublishAsync(IChannel channel, DeadLetterMessage message, ReadOnlyMemory<byte> body, string passId, CancellationToken ct)
    {
        var headers = DeadLetterHeaders.WithoutFailure(message.Properties.Headers) ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        if (message.OriginalRoutingKey is { } routingKey) headers[OriginalRoutingKey.Header] = Encoding.UTF8.GetBytes(routingKey);
        headers[FailureHeaders.ReplayPass] = Encoding.UTF8.GetBytes(passId);

        var properties = new BasicProperties(message.Properties) { Headers = headers };

        // mandatory: a target queue that no longer exists returns the message instead of dropping it.
        return channel.BasicPublishAsync(string.Empty, message.ReplayQueue, mandatory: true, properties, body, ct).AsTask();
    }

    internal static string Explain(Exception ex, string target) => ex switch
    {
        PublishReturnException => $"the queue '{target}' does not exist (the broker returned the message)",
        PublishException => "the broker refused the message (nack)",
        _ => ex.Message,
    };
}
