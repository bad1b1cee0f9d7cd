using System.Diagnostics.Metrics;
using System.Globalization;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Bench;

/// <summary>
/// Where a latency tail can come from, measured inside the service over one phase: its store's
/// group commits (SQLite: each commit's duration and size), the store's checkpoints, and the
/// garbage collector's pauses. Read from the store's own instruments (mofa_sync_store_*), so the
/// figures are those an operator sees on /metrics.
/// </summary>
public sealed record ServiceTail(
    int Commits, double CommitP50Ms, double CommitP99Ms, double CommitMaxMs, int CommitsOver50Ms, double EventsPerCommit,
    int Checkpoints, double CheckpointMaxMs, double GcPauseMs, int Gen0, int Gen1, int Gen2)
{
    public string Describe() => FormattableString.Invariant(
        $"{Commits:#,0} commits of {EventsPerCommit:0.#} events (p50 {CommitP50Ms:0.0} ms, p99 {CommitP99Ms:0.0} ms, max {CommitMaxMs:0.0} ms, {CommitsOver50Ms} over 50 ms); {Checkpoints} checkpoints (max {CheckpointMaxMs:0.0} ms); GC paused {GcPauseMs:0} ms (gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2})");

    public string ToLine() => string.Join(' ', new object[]
        { Commits, CommitP50Ms, CommitP99Ms, CommitMaxMs, CommitsOver50Ms, EventsPerCommit, Checkpoints, CheckpointMaxMs, GcPauseMs, Gen0, Gen1, Gen2 }
        .Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)));

    public static ServiceTail Parse(string line)
    {
        var p = line.Split(' ');
        int I(int i) => int.Parse(p[i], CultureInfo.InvariantCulture);
        double D(int i) => double.Parse(p[i], CultureInfo.InvariantCulture);
        return new ServiceTail(I(0), D(1), D(2), D(3), I(4), D(5), I(6), D(7), D(8), I(9), I(10), I(11));
    }
}

/// <summary>Collects a <see cref="ServiceTail"/> in the benchmarked service; <see cref="Take"/> returns it and starts the next.</summary>
public sealed class ServiceTailListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<double> _commits = [];
    private long _commitEvents;
    private int _checkpoints;
    private double _checkpointMax;
    private TimeSpan _gcPauseAtStart = GC.GetTotalPauseDuration();
    private readonly int[] _gcAtStart = Collections();

    public ServiceTailListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName && instrument.Name.StartsWith("mofa_sync_store_", StringComparison.Ordinal))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            // The instruments record seconds (Prometheus' unit); the bench reports milliseconds.
            var value = seconds * 1000;
            lock (_gate)
            {
                if (instrument.Name == "mofa_sync_store_commit_duration") _commits.Add(value);
                else if (instrument.Name == "mofa_sync_store_checkpoint_duration")
                {
                    _checkpoints++;
                    _checkpointMax = Math.Max(_checkpointMax, value);
                }
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == "mofa_sync_store_commit_events") Interlocked.Add(ref _commitEvents, value);
        });
        _listener.Start();
    }

    public ServiceTail Take()
    {
        List<double> commits;
        int checkpoints;
        double checkpointMax;
        lock (_gate)
        {
            (commits, _commits) = (_commits, []);
            (checkpoints, checkpointMax) = (_checkpoints, _checkpointMax);
            (_checkpoints, _checkpointMax) = (0, 0);
        }

        var events = Interlocked.Exchange(ref _commitEvents, 0);
        var pause = GC.GetTotalPauseDuration();
        var gcNow = Collections();
        var tail = new ServiceTail(
            commits.Count, Percentile(commits, 0.50), Percentile(commits, 0.99), commits.Count == 0 ? 0 : Math.Round(commits.Max(), 2),
            commits.Count(c => c > 50), commits.Count == 0 ? 0 : Math.Round((double)events / commits.Count, 1),
            checkpoints, Math.Round(checkpointMax, 2), Math.Round((pause - _gcPauseAtStart).TotalMilliseconds, 1),
            gcNow[0] - _gcAtStart[0], gcNow[1] - _gcAtStart[1], gcNow[2] - _gcAtStart[2]);
        _gcPauseAtStart = pause;
        gcNow.CopyTo(_gcAtStart, 0);
        return tail;
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0) return 0;
        values.Sort();
        return Math.Round(values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)], 2);
    }

    public void Dispose() => _listener.Dispose();
}
