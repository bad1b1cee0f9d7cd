namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// What `dlq list` reports for one dead-letter queue: its messages grouped by their reason's rule (<see cref="ReasonRule"/>). A second copy
/// of a message (same message-id and body: an interrupted replay leaves one) is counted apart, in
/// <see cref="DuplicateCopies"/>, not as another message; the next replay removes it.
/// </summary>
public sealed record DeadLetterSummary(
    string Queue, long Messages, long DuplicateCopies, DateTimeOffset? OldestFailedAt, IReadOnlyList<DeadLetterSummary.ReasonGroup> Reasons)
{
    /// <param name="Reason">The rule (the reason with the values taken out); <paramref name="Example"/> is one message's reason in full.</param>
    public sealed record ReasonGroup(FailureReason Reason, FailureReason Example, long Count, DateTimeOffset? OldestFailedAt);

    /// <summary>Reads every message of each of the service's dead-letter queues (leaving them in place) and groups them.</summary>
    public static async Task<IReadOnlyList<DeadLetterSummary>> ReadAllAsync(DeadLetterBroker broker, CancellationToken ct)
    {
        var summaries = new List<DeadLetterSummary>();
        foreach (var queue in await broker.ExistingQueuesAsync(ct))
        {
            summaries.Add(await ReadAsync(broker, queue.Queue, ct));
        }

        return summaries;
    }

    public static async Task<DeadLetterSummary> ReadAsync(DeadLetterBroker broker, string queue, CancellationToken ct)
    {
        var groups = new Dictionary<FailureReason, (FailureReason Example, long Count, DateTimeOffset? Oldest)>();
        long messages = 0, duplicates = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var pass = await broker.OpenPassAsync(queue, ct))
        {
            while (await pass.NextAsync(ct) is { } message)
            {
                if (!seen.Add(message.Identity))
                {
                    duplicates++;
                    continue;
                }

                messages++;
                var rule = message.Reason.Rule;
                var (example, count, oldest) = groups.TryGetValue(rule, out var group) ? group : (message.Reason, 0, null);
                groups[rule] = (example, count + 1, Earliest(oldest, message.FailedAt));
            }
        }

        var reasons = groups
            .Select(g => new ReasonGroup(g.Key, g.Value.Example, g.Value.Count, g.Value.Oldest))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Reason.FullText, StringComparer.Ordinal)
            .ToList();
        return new DeadLetterSummary(queue, messages, duplicates, reasons.Aggregate((DateTimeOffset?)null, (o, g) => Earliest(o, g.OldestFailedAt)), reasons);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
