namespace Mofa.Sync.Host.Dlq;

/// <summary>Deletes the dead-lettered messages a filter takes; the rest stay in place and in order. Holds the queue's lease, as a replay does.</summary>
public sealed class DeadLetterPurger(DeadLetterBroker broker)
{
    public sealed record Result(string Queue, long Examined, long Purged);

    /// <param name="taken">Told of each message the filter takes, before it is deleted (or, in a dry run, instead).</param>
    /// <param name="dryRun">Delete nothing: every message goes back to its place when the pass closes.</param>
    public async Task<Result> PurgeAsync(string queue, DeadLetterFilter filter, Action<int>? examined, CancellationToken ct,
        Action<DeadLetterMessage>? taken = null, bool dryRun = false)
    {
        long purged = 0;
        await using var lease = await broker.TakeLeaseAsync(queue, ct);
        await using var pass = await broker.OpenPassAsync(queue, ct);
        while ((filter.Limit is null || purged < filter.Limit) && await pass.NextAsync(ct) is { } message)
        {
            examined?.Invoke(1);
            if (!filter.Matches(message)) continue;
            taken?.Invoke(message);
            if (!dryRun) await pass.AcknowledgeAsync(message, ct);
            purged++;
        }

        return new Result(queue, pass.Read, purged);
    }
}
