using MassTransit;
using Mofa.Sync.Consumers.Mirror;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>
/// Told of every effective change of a course's content once its write has committed, before the
/// message is acknowledged (the notifications publish from here; they record in <see cref="IChangeRecorder"/>).
/// </summary>
public interface IContentChangeSink
{
    Task ChangedAsync(ContentChange change, ConsumeContext context);
}

/// <summary>No one listens: `mofa-sync bench --without-notifications` measures the mirror path alone with it.</summary>
public sealed class NoContentChangeSink : IContentChangeSink, IChangeRecorder
{
    public Task ChangedAsync(ContentChange change, ConsumeContext context) => Task.CompletedTask;

    public Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct) => Task.FromResult(change);
}
