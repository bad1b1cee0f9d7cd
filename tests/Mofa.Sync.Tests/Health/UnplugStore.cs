using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Mirror;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// The real store with a plug the test can pull: while unplugged, every call fails as a store on
/// a lost volume or an unreachable server does. (SQLite's own file is hard to take away from a
/// running process: pooled connections keep the open file when it is moved or deleted.)
/// </summary>
public sealed class UnplugStore(IMirrorStore real) : IMirrorStore
{
    public bool WritesAreAtomic => real.WritesAreAtomic;

    private volatile bool _unplugged;
    private int _disposed;

    public bool Unplugged
    {
        get => _unplugged;
        set => _unplugged = value;
    }

    /// <summary>Replaces the service's store with an UnplugStore around the configured one (the store adapter's own registration).</summary>
    public static void Install(IServiceCollection services)
    {
        var configured = services.Last(d => d.ServiceType == typeof(IMirrorStore)).ImplementationFactory!;
        services.AddSingleton(sp => new UnplugStore((IMirrorStore)configured(sp)));
        services.AddSingleton<IMirrorStore>(sp => sp.GetRequiredService<UnplugStore>());
    }

    /// <summary>The next this many writes fail (then writes work again): a fault that strikes a chosen attempt.</summary>
    public int FailingWrites
    {
        get => Volatile.Read(ref _failingWrites);
        set => Volatile.Write(ref _failingWrites, value);
    }

    private int _failingWrites;
    private int _writesFailed;

    /// <summary>How many writes <see cref="FailingWrites"/> made fail.</summary>
    public int WritesFailed => Volatile.Read(ref _writesFailed);

    public string Kind => real.Kind;

    public Task InitializeAsync(CancellationToken ct) => real.InitializeAsync(ct);

    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) =>
        TakeFailingWrite()
            ? Task.FromException<T>(new IOException("disk I/O error: this write was made to fail"))
            : Plugged(() => real.WriteAsync(work, ct));

    private bool TakeFailingWrite()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _failingWrites);
            if (left <= 0) return false;
        }
        while (Interlocked.CompareExchange(ref _failingWrites, left - 1, left) != left);
        Interlocked.Increment(ref _writesFailed);
        return true;
    }

    public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct) => Plugged(() => real.ReadAllAsync(collection, ct));

    public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) => Plugged(() => real.PurgeTombstonesAsync(olderThan, ct));

    public Task PingAsync(CancellationToken ct) => Plugged(async () =>
    {
        await real.PingAsync(ct);
        return 0;
    });

    /// <summary>Once: the container disposes this instance under both of its registrations.</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? real.DisposeAsync() : ValueTask.CompletedTask;

    private Task<T> Plugged<T>(Func<Task<T>> call) =>
        Unplugged ? Task.FromException<T>(new IOException("disk I/O error: the volume is gone")) : call();
}
