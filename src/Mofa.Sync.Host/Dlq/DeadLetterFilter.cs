namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// Which dead-lettered messages a replay or purge takes: those whose reason contains a text, that
/// failed before a time, at most so many. Empty criteria take everything.
/// </summary>
public sealed record DeadLetterFilter(string? ReasonContains = null, DateTimeOffset? FailedBefore = null, int? Limit = null)
{
    public static readonly DeadLetterFilter All = new();

    /// <summary>
    /// A message whose failure time is unknown is never "older than": purging by age must not
    /// delete what it cannot date.
    /// </summary>
    public bool Matches(DeadLetterMessage message) =>
        (string.IsNullOrEmpty(ReasonContains) || message.Reason.Contains(ReasonContains))
        && (FailedBefore is null || (message.FailedAt is { } t && t < FailedBefore));

    public override string ToString()
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(ReasonContains)) parts.Add($"reason contains \"{ReasonContains}\"");
        if (FailedBefore is { } before) parts.Add($"failed before {before:u}");
        if (Limit is { } limit) parts.Add($"at most {limit}");
        return parts.Count == 0 ? "all messages" : string.Join(", ", parts);
    }
}
