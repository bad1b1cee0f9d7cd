using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>
/// The service's store with a gate a test controls (<see cref="ChildFaults.HoldWritesAfter"/>).
/// Writes go through until the next of the given counts; then one write that is a first
/// application (Applied) commits and holds its delivery, so that message is certainly committed
/// and unacknowledged; every other write waits before it commits, so nothing overwrites what that
/// one wrote and its redelivery can only find it applied already. The held deliveries go on when
/// the test releases them (<see cref="MofaSyncProcess.ReleaseHeldWrites"/>), or when the host starts
/// stopping, if asked; the gate closes again at the next count. The line <see cref="HeldLine"/>
/// tells the test each time the gate has closed on work in flight.
/// </summary>
public sealed class HoldingStore : IMirrorStore
{
    /// <summary>Printed each time a committed first application is held, unacknowledged.</summary>
    public const string HeldLine = "fault-gate: holding a committed, unacknowledged delivery";

    /// <summary>Printed when the held writes go on.</summary>
    public const string ReleasedLine = "fault-gate: released";

    private readonly IMirrorStore _real;
    private readonly int[] _holdAt;
    private readonly Lock _gate = new();
    private int _stage;
    private int _passed;
    private int _waiting;
    private TaskCompletionSource _released = NewSignal();

    /// <summary>Set while one write is being done as the one to hold, and while it is held; completed when it turned out no first application.</summary>
    private TaskCompletionSource? _chosen;

    private HoldingStore(IMirrorStore real, int[] holdAt)
    {
        _real = real;
        _holdAt = holdAt;
    }

    /// <summary>Replaces the service's store with a HoldingStore around it (the store adapter's own registration).</summary>
    public static void Install(IServiceCollection services, int[] holdAt, string? releaseFile, bool releaseAtStop)
    {
        ServiceDecoration.Decorate<IMirrorStore>(services, (sp, real) =>
        {
            var store = new HoldingStore(real, holdAt);
            if (releaseAtStop) sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(store.ReleaseAll);
            if (releaseFile is not null) _ = store.ReleaseAsAskedAsync(releaseFile);
            return store;
        });
    }

    public string Kind => _real.Kind;

    public bool WritesAreAtomic => _real.WritesAreAtomic;

    public Task InitializeAsync(CancellationToken ct) => _real.InitializeAsync(ct);

    public async Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        while (true)
        {
            Task? wait = null;
            TaskCompletionSource released;
            TaskCompletionSource? chosen = null;
            lock (_gate)
            {
                released = _released;
                if (_stage >= _holdAt.Length || _passed < _holdAt[_stage]) _passed++;
                else if (_chosen is null) chosen = _chosen = NewSignal();
                else wait = _chosen.Task;
            }

            if (wait is not null)
            {
                // Waits uncommitted: until released, or until the chosen write turned out no first application.
                Interlocked.Increment(ref _waiting);
                await Task.WhenAny(wait, released.Task);
                Interlocked.Decrement(ref _waiting);
                continue;
            }

            var result = await _real.WriteAsync(work, ct);
            if (chosen is null) return result;
            if (result is ApplyResult { Outcome: ApplyOutcome.Applied })
            {
                Console.Out.WriteLine(HeldLine);
                await released.Task;
                return result;
            }

            // Stale or already applied: its redelivery would prove nothing; the next write is chosen instead.
            lock (_gate)
            {
                if (_chosen == chosen) _chosen = null;
            }

            chosen.SetResult();
            return result;
        }
    }

    public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct) => _real.ReadAllAsync(collection, ct);

    public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) => _real.PurgeTombstonesAsync(olderThan, ct);

    public Task PingAsync(CancellationToken ct) => _real.PingAsync(ct);

    /// <summary>Nothing: the container disposes the real store under the adapter's own registration.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The held writes go on; the gate closes again at the next count, if any.</summary>
    private void Release(bool all)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            if (_stage >= _holdAt.Length) return;
            _stage = all ? _holdAt.Length : _stage + 1;
            _chosen = null;
            released = _released;
            _released = NewSignal();
        }

        released.SetResult();
        Console.Out.WriteLine($"{ReleasedLine} ({Volatile.Read(ref _waiting)} writes waiting)");
    }

    private void ReleaseAll() => Release(all: true);

    /// <summary>The file holds how many times the test has released the gate.</summary>
    private async Task ReleaseAsAskedAsync(string file)
    {
        var done = 0;
        while (true)
        {
            await Task.Delay(50);
            if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file), out var asked)) continue;
            for (; done < asked; done++) Release(all: false);
        }
    }
}
