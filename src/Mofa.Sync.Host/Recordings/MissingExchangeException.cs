namespace Mofa.Sync.Host.Recordings;

/// <summary>The exchange is not there: nothing is published and nothing is declared.</summary>
public sealed class MissingExchangeException(string exchange)
    : Exception($"the exchange {exchange} does not exist on the broker: check RabbitMq:Exchange, or declare the exchange and the agents' queues with `mofa-sync topology`");
