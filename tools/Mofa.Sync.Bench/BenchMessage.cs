namespace Mofa.Sync.Bench;

/// <summary>
/// One generated bridge message, ready to publish. <see cref="WritesStore"/> is false for the events
/// the sync acknowledges without a write (a student's role): the latency figures count only the
/// events that reach the store.
/// <see cref="Index"/> numbers the messages of a run, so a redelivery is not counted twice.
/// </summary>
public sealed record BenchMessage(int Index, string RoutingKey, byte[] Body, string EventId, bool WritesStore);
