namespace Mofa.Sync.Host.Dlq;

/// <summary>Reads the first messages of a dead-letter queue and leaves them all where they were.</summary>
public static class DeadLetterBrowser
{
    public static async Task<IReadOnlyList<DeadLetterMessage>> PeekAsync(DeadLetterBroker broker, string queue, int limit, CancellationToken ct)
    {
        var messages = new List<DeadLetterMessage>();
        await using var pass = await broker.OpenPassAsync(queue, ct);
        while (messages.Count < limit && await pass.NextAsync(ct) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }
}
