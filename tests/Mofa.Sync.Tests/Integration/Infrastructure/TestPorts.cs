using System.Net;
using System.Net.Sockets;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>
/// Loopback ports for the servers a test starts (health endpoints, fake Moodles). Not port 0's
/// pick: that comes from the kernel's ephemeral range (32768–60999), from which every outgoing
/// connection (to the broker, to a fake Moodle) also takes its local port, so a port probed free
/// and handed to a service process could be taken before the service listens on it. These come
/// from below that range and away from the broker's (5672, 15672, 25672, the local cluster's
/// 568x/1568x/2568x), each handed out once per test run, and are checked free before they are.
/// </summary>
public static class TestPorts
{
    private const int First = 21_000;
    private const int Count = 4_000;

    // Where this run starts in the range: two test runs on one machine rarely start at the same place.
    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (Interlocked.Increment(ref _next) % Count);
            if (IsFree(port)) return port;
        }

        throw new InvalidOperationException($"no free loopback port between {First} and {First + Count - 1}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
