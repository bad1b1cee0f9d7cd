using System.Diagnostics;
using Mofa.Sync.Consumers.Notifications;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>Kills its own process (SIGKILL, no clean-up) when the digest publisher reaches <paramref name="killAt"/>.</summary>
public sealed class KillingOutboxFaultPoint(string killAt) : OutboxFaultPoint
{
    public override void Reached(string point)
    {
        if (string.Equals(killAt, point, StringComparison.Ordinal)) Process.GetCurrentProcess().Kill();
    }
}
