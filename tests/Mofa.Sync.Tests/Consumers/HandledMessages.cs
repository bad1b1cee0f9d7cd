using System.Collections.Concurrent;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>Every call of a <see cref="RecordingHandler{TEvent}"/> of one harness: the contract whose handler was called, and the message it got.</summary>
public sealed class HandledMessages
{
    private readonly ConcurrentQueue<(Type Handler, MoodleEvent Message)> _calls = new();

    public IReadOnlyList<(Type Handler, MoodleEvent Message)> Calls => [.. _calls];

    /// <summary>What every handler throws when set: a failure of the handler's own work.</summary>
    public Exception? Failure { get; set; }

    internal void Add(Type handler, MoodleEvent message) => _calls.Enqueue((handler, message));
}

/// <summary>A contract's handler that records what it is given, in place of the real one (registered before AddBridgeAgents, which adds a handler only where none is).</summary>
public sealed class RecordingHandler<TEvent>(HandledMessages handled) : IBridgeEventHandler<TEvent>
    where TEvent : MoodleEvent
{
    public Task<ApplyResult> HandleAsync(TEvent message, CancellationToken ct)
    {
        handled.Add(typeof(TEvent), message);
        if (handled.Failure is { } failure) throw failure;
        return Task.FromResult(new ApplyResult(ApplyOutcome.Applied));
    }
}
