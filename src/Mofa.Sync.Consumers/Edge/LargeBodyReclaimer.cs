namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// Gives the memory of refused oversized bodies back soon after they are gone. Each such body is
/// one large array (up to the broker's max_message_size, 128 MiB by default) that the GC, with
/// plenty of free memory around, leaves in place for a long time; a flood of them grew the
/// process by the sum of their sizes. After an oversized delivery a full, compacting collection
/// runs once things are quiet (at most one per second), which also lets the shared array pool
/// drop the buffers the RabbitMQ client rented for those bodies.
/// </summary>
public sealed class LargeBodyReclaimer
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private int _scheduled;

    /// <summary>Called for each delivery refused for its size.</summary>
    public void Refused()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        _ = Task.Delay(Delay).ContinueWith(_ =>
        {
            Volatile.Write(ref _scheduled, 0);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }, TaskScheduler.Default);
    }
}
