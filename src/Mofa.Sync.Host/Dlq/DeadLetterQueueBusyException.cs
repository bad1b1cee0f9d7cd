namespace Mofa.Sync.Host.Dlq;

/// <summary>Another `dlq replay` or `dlq purge` holds the queue's lease (<see cref="DeadLetterLease"/>); nothing was done.</summary>
public sealed class DeadLetterQueueBusyException(string queue) : Exception(
    $"another `mofa-sync dlq replay` or `dlq purge` is working on {queue} (it holds {DeadLetterLease.NameFor(queue)}); " +
    "nothing was done: run this again when it has finished")
{
    public string Queue { get; } = queue;
}
