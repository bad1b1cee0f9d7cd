using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// Sums the measurements of one meter's counters by instrument name and tags, as they are made:
/// measured on one service's own meter, so other tests' services in the process do not add to them.
/// </summary>
public sealed class MeterCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentBag<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public MeterCounts(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Add((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags include all of <paramref name="tags"/>.</summary>
    public long Of(string instrument, params (string Key, string Value)[] tags) => _measurements
        .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))))
        .Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
