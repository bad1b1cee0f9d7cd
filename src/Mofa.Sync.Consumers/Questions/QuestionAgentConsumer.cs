using MassTransit;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Consuming;

namespace Mofa.Sync.Consumers.Questions;

/// <summary>
/// The entry point of the question agent's queue. Raw bodies carry no MassTransit message type, so
/// the queue has one consumer; the handler reads the delivery and dispatches it, typed by its
/// routing key, to the rule its route declares (docs/architecture.md, "One consumer per agent").
/// </summary>
public sealed class QuestionAgentConsumer(BridgeEventHandler handler) : IConsumer<BridgeMessage>
{
    public Task Consume(ConsumeContext<BridgeMessage> context) => handler.HandleAsync(context);
}

/// <summary>The question agent's retries: transient failures only (see <see cref="BridgeEventConsumerDefinition{TConsumer}"/>).</summary>
public sealed class QuestionAgentConsumerDefinition(IOptions<SyncOptions> options) : BridgeEventConsumerDefinition<QuestionAgentConsumer>(options);
