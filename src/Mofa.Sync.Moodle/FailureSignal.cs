namespace Mofa.Sync.Moodle;

/// <summary>
/// What the work itself last said about one part of the service (the store's writes, a Moodle
/// site, the notifications): failing since when, how often and why, until a success clears it.
/// The health report reads it: a check that only pings would say "reachable" while every write fails.
/// </summary>
public sealed class FailureSignal
{
    /// <summary>Failing since <paramref name="Since"/>, <paramref name="Count"/> failures in a row, the last one's reason.</summary>
    public sealed record Failure(string Reason, DateTimeOffset Since, long Count);

    private Failure? _current;
    private long _successes;

    /// <summary>Null while the last outcome was a success (or nothing happened yet).</summary>
    public Failure? Current => Volatile.Read(ref _current);

    /// <summary>Whether anything succeeded since the start.</summary>
    public bool EverSucceeded => Interlocked.Read(ref _successes) > 0;

    public void Failed(string reason)
    {
        var now = DateTimeOffset.UtcNow;
        Failure? seen, next;
        do
        {
            seen = Volatile.Read(ref _current);
            next = seen is null ? new Failure(reason, now, 1) : seen with { Reason = reason, Count = seen.Count + 1 };
        }
        while (Interlocked.CompareExchange(ref _current, next, seen) != seen);
    }

    public void Succeeded()
    {
        Interlocked.Increment(ref _successes);
        Volatile.Write(ref _current, null);
    }
}
