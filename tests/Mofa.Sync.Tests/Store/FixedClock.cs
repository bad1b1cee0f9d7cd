namespace Mofa.Sync.Tests.Store;

/// <summary>A clock that tells the time the test sets, whenever it is read.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;
    private int _reads;

    /// <summary>How many times the time was read.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow()
    {
        Interlocked.Increment(ref _reads);
        return Now;
    }
}
