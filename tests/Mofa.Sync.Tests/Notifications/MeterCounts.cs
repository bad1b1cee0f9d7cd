using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>Sums one counter of one meter by the value of one tag (other services' meters in the process do not count).</summary>
public sealed class MeterCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public MeterCounts(Meter meter, string instrument, string tag)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (ReferenceEquals(published.Meter, meter) && published.Name == instrument) listener.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == tag) _counts.AddOrUpdate((string)t.Value!, value, (_, v) => v + value);
            }
        });
        _listener.Start();
    }

    public long Of(string value) => _counts.GetValueOrDefault(value);

    public void Dispose() => _listener.Dispose();
}
