using MassTransit;
using Mofa.Sync.Consumers.Mirror;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>Told of every effective change of a course's content (the notifications hang off it).</summary>
public interface IContentChangeSink
{
    Task ChangedAsync(ContentChange change, ConsumeContext context);
}

/// <summary>No one listens: `mofa-sync bench --without-notifications` measures the mirror path alone with it.</summary>
public sealed class NoContentChangeSink : IContentChangeSink
{
    public Task ChangedAsync(ContentChange change, ConsumeContext context) => Task.CompletedTask;
}
