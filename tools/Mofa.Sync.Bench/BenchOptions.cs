namespace Mofa.Sync.Bench;

/// <summary>What to run: the backlog's size and seed, and the steady load of the latency phase.</summary>
public sealed record BenchOptions
{
    public int Events { get; init; } = 200_000;
    public int Seed { get; init; } = 1;
    public double LatencyRate { get; init; } = 2_000;
    public double LatencySeconds { get; init; } = 20;

    /// <summary>Publishes kept unconfirmed at once while filling the backlog.</summary>
    public int PublishInFlight { get; init; } = 1_000;

    /// <summary>Diagnostic: run the service without recording or publishing notifications (not the service as deployed).</summary>
    public bool WithoutNotifications { get; init; }

    public int LatencyEvents => Math.Max(1, (int)(LatencyRate * LatencySeconds));
}
