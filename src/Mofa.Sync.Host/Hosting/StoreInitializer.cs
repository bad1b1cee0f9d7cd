using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Reconciling;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Creates the store's tables or collections (the mirror's, the rolling reconcile's) before the bus starts (it is registered first), so
/// no message is consumed against a store that is not there; an unreachable store stops start-up.
/// </summary>
public sealed class StoreInitializer(IMirrorStore store, IReconcileStateStore reconcileState, StoreOptions options, ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StoreFactory.InitializeAsync(store.InitializeAsync, options, cancellationToken);
        await StoreFactory.InitializeAsync(reconcileState.InitializeAsync, options, cancellationToken);
        logger.LogInformation("Mirror store ready ({Kind})", store.Kind);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
