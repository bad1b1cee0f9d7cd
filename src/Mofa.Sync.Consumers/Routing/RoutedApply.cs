using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Routing;

/// <summary>
/// An event of any contract applied by the rule its slice declared (the consumer and the tools,
/// which hold a MoodleEvent). Named apart from MirrorApplier's typed ApplyAsync on purpose: a route
/// whose contract has no typed rule then fails to compile instead of calling back into the registry.
/// </summary>
public static class RoutedApply
{
    public static Task<ApplyResult> ApplyRoutedAsync(this MirrorApplier mirror, MoodleEvent e, CancellationToken ct) =>
        BridgeRoutes.Of(e.GetType()).ApplyAsync(mirror, e, ct);
}
