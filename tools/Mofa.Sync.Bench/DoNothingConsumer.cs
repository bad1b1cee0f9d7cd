using MassTransit;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Bench;

/// <summary>
/// The MassTransit floor's consumer: takes a bridge message and returns at once, so what the
/// floor child spends per message is MassTransit's own receive, deserialize, dispatch and ack.
/// </summary>
public sealed class DoNothingConsumer : IConsumer<BridgeMessage>
{
    public Task Consume(ConsumeContext<BridgeMessage> context) => Task.CompletedTask;
}
