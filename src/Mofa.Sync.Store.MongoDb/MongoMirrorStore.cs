using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Mirror;

namespace Mofa.Sync.Store.MongoDb;

// Placeholder until the adapter lands (being written in parallel); replaced by the real one.
public sealed class MongoMirrorStore(MongoStoreOptions options, ILogger<MongoMirrorStore> logger) : IMirrorStore
{
    public string Kind => "mongodb";
    public Task InitializeAsync(CancellationToken ct) { logger.LogDebug("{Db}", options.Database); throw new NotSupportedException(); }
    public Task<T> WriteAsync<T>(Func<IMirrorWriter, CancellationToken, Task<T>> work, CancellationToken ct) => throw new NotSupportedException();
    public Task<IReadOnlyList<MirrorDocument>> ReadAllAsync(MirrorCollection collection, CancellationToken ct) => throw new NotSupportedException();
    public Task<int> PurgeTombstonesAsync(DateTimeOffset olderThan, CancellationToken ct) => throw new NotSupportedException();
    public Task PingAsync(CancellationToken ct) => throw new NotSupportedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
