using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>
/// The service's store with a gate a test controls (<see cref="ChildFaults.HoldWritesAfter"/>).
/// The first writes go through; then one write that is a first application (Applied) commits and
/// holds its delivery, so that message is certainly committed and unacknowledged; every other
/// write waits before it commits, so nothing overwrites what that one wrote and its redelivery
/// can only find it applied already. The held deliveries stay unacknowledged until the test
/// releases them (a file) or the host starts stopping, if asked. The line <see cref="HeldLine"/>
/// tells the test the gate has closed on work in flight.
/// </summary>
public sealed class HoldingStore : IMirrorStore
{
    /// <summary>Printed once a committed first application is held, unacknowledged.</summary>
    public const string HeldLine = "fault-gate: holding a committed, unacknowledged delivery";

    /// <summary>Printed when the held writes go on.</summary>
    public const string ReleasedLine = "fault-gate: released";

    private readonly IMirrorStore _real;
    private readonly int _passFirst;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _passed;
    private int _waiting;

    /// <summary>Set while one write is being done as the one to hold, and while it is held; completed when it turned out no first application.</summary>
    private TaskCompletionSource? _chosen;

    private HoldingStore(IMirrorStore real, int passFirst)
    {
        _real = real;
        _passFirst = passFirst;
    }

    /// <summary>Replaces the service's store with a HoldingStore around it (the store adapter's own registration).</summary>
    public static void Install(IServiceCollection services, int passFirst, string? releaseFile, bool releaseAtStop)
    {
        ServiceDecoration.Decorate<IMirrorStore>(services, (sp, real) =>
        {
            var store = new HoldingStore(real, passFirst);
            if (releaseAtStop) sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(store.Release);
            if (releaseFile is not null) _ = store.ReleaseWhenExistsAsync(releaseFile);
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
            var hold = false;
            lock (_gate)
            {
                if (_released.Task.IsCompleted || _passed < _passFirst) _passed++;
                else if (_chosen is null)
                {
                    _chosen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    hold = true;
                }
                else wait = _chosen.Task;
            }

            if (wait is not null)
            {
                // Waits uncommitted: until released, or until the chosen write turned out no first application.
                Interlocked.Increment(ref _waiting);
                await Task.WhenAny(wait, _released.Task);
                Interlocked.Decrement(ref _waiting);
                continue;
            }

            var result = await _real.WriteAsync(work, ct);
            if (!hold) return result;
            if (result is ApplyResult { Outcome: ApplyOutcome.Applied })
            {
                Console.Out.WriteLine(HeldLine);
                await _released.Task;
                return result;
            }

            // Stale or already applied: its redelivery would prove nothing; the next write is chosen instead.
            TaskCompletionSource chosen;
            lock (_gate)
            {
                chosen = _chosen!;
                _chosen = null;
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

    private void Release()
    {
        if (_released.TrySetResult()) Console.Out.WriteLine($"{ReleasedLine} ({Volatile.Read(ref _waiting)} writes waiting)");
    }

    private async Task ReleaseWhenExistsAsync(string file)
    {
        while (!File.Exists(file)) await Task.Delay(50);
        Release();
    }
}
