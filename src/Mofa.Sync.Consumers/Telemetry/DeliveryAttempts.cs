using MassTransit;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// Which attempt at one delivery a consumer is making: 0 the first time, 1 the first in-process
/// retry, and so on. Counted on the delivery itself (its ReceiveContext, which every retry shares):
/// MassTransit's GetRetryAttempt reads 0 on the first try and on the first retry alike, so a
/// retried message was counted as received twice.
/// </summary>
public static class DeliveryAttempts
{
    /// <summary>Counts this attempt and returns its number.</summary>
    public static int Next(ConsumeContext context) =>
        Interlocked.Increment(ref context.ReceiveContext.GetOrAddPayload(() => new Counter()).Attempts) - 1;

    private sealed class Counter
    {
        public int Attempts;
    }
}
