using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Agents.Routing;

/// <summary>An event of any contract applied by the rule its slice declared (the consumer and the tools, which hold a MoodleEvent).</summary>
public static class RoutedApply
{
    public static Task<ApplyResult> ApplyAsync(this MirrorApplier mirror, MoodleEvent e, CancellationToken ct) =>
        BridgeRoutes.Of(e.GetType()).ApplyAsync(mirror, e, ct);
}
