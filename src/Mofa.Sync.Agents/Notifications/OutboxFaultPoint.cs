using System.Diagnostics;


namespace Mofa.Sync.Agents.Notifications;

/// <summary>
/// Test-only: the environment variable MOFASYNC_TEST_KILL_AT names a point of the digest
/// publisher where the process kills itself (SIGKILL, no clean-up), so the crash tests can stop
/// it exactly between a digest's close and its publish, or between the publish and its mark.
/// Unset (always, outside those tests), it does nothing.
/// </summary>
public static class OutboxFaultPoint
{
    public const string Variable = "MOFASYNC_TEST_KILL_AT";

    /// <summary>After the digests are closed, before their NotificationRequested is published.</summary>
    public const string AfterClose = "digest-closed";

    /// <summary>After the NotificationRequested is published (confirmed), before the digests are marked published.</summary>
    public const string AfterPublish = "digest-published";

    private static readonly string? KillAt = Environment.GetEnvironmentVariable(Variable);

    public static void Reached(string point)
    {
        if (string.Equals(KillAt, point, StringComparison.Ordinal)) Process.GetCurrentProcess().Kill();
    }
}
