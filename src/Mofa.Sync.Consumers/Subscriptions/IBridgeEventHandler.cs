using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Subscriptions;

/// <summary>
/// What the service does with one valid message of <typeparamref name="TEvent"/>: apply it to the mirror,
/// or read its course back from Moodle. One handler per contract, beside its validator in its agent's
/// folder, found through DI. It returns only after the store has committed the message's writes, so
/// the delivery is acknowledged after them; a failure throws, and the retry policies decide.
/// </summary>
public interface IBridgeEventHandler<in TEvent>
    where TEvent : MoodleEvent
{
    Task<ApplyResult> HandleAsync(TEvent message, CancellationToken ct);
}
