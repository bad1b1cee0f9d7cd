namespace Mofa.Sync.Host.Hosting;

/// <summary>When the service last finished a message; `run --until-idle` exits on it.</summary>
public sealed class ActivityMonitor
{
    private long _lastTicks = DateTime.UtcNow.Ticks;
    private long _handled;

    public void Touch()
    {
        Interlocked.Exchange(ref _lastTicks, DateTime.UtcNow.Ticks);
        Interlocked.Increment(ref _handled);
    }

    public long Handled => Interlocked.Read(ref _handled);

    public TimeSpan SinceLast => DateTime.UtcNow - new DateTime(Interlocked.Read(ref _lastTicks), DateTimeKind.Utc);
}
