namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// Which dead-lettered messages a replay or purge takes: those whose reason contains a text, that
/// failed before a time, that failed before the command began (a replay's cut-off), at most so
/// many. Empty criteria take everything.
/// </summary>
public sealed record DeadLetterFilter(string? ReasonContains = null, DateTimeOffset? FailedBefore = null, int? Limit = null, DateTimeOffset? Cutoff = null)
{
    public static readonly DeadLetterFilter All = new();

    /// <summary>
    /// A message whose failure time is unknown is never "older than": purging by age must not
    /// delete what it cannot date. The cut-off takes it, though: a pass reads only what was in the
    /// queue when it began, so an undated message there is no newcomer.
    /// </summary>
    public bool Matches(DeadLetterMessage message) =>
        (string.IsNullOrEmpty(ReasonContains) || message.Reason.Contains(ReasonContains))
        && (FailedBefore is null || (message.FailedAt is { } t && t < FailedBefore))
        && !FailedAfterCutoff(message);

    /// <summary>
    /// The message failed (its MT-Fault-Timestamp, or the broker's x-death time) after the command
    /// began: a failure that joined the group meanwhile, left for the next decision rather than
    /// retried in a loop.
    /// </summary>
    public bool FailedAfterCutoff(DeadLetterMessage message) => Cutoff is { } cutoff && message.FailedAt is { } t && t >= cutoff;

    public override string ToString()
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(ReasonContains)) parts.Add($"reason contains \"{ReasonContains}\"");
        if (FailedBefore is { } before) parts.Add($"failed before {before:u}");
        if (Cutoff is { } cutoff) parts.Add($"failed before the command began ({cutoff:u})");
        if (Limit is { } limit) parts.Add($"at most {limit}");
        return parts.Count == 0 ? "all messages" : string.Join(", ", parts);
    }
}
