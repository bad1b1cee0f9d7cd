using System.Net;
using System.Net.Sockets;
using Mofa.Sync.Host.Broker;
using Xunit;

namespace Mofa.Sync.Tests.Broker;

/// <summary>
/// The broker socket's stream on a real loopback TCP connection whose far end resets it, as a
/// stopping RabbitMQ node does: the write that fails is reported once, and it and every later write
/// complete without throwing (RabbitMQ.Client's writer would otherwise stop and, with 128 frames
/// queued, block every writer of the connection; the failover itself is Cluster/NodeLossTests).
/// </summary>
public sealed class BrokerSocketStreamTests
{
    private static readonly byte[] Frame = new byte[64 * 1024];

    [Fact]
    public async Task Writes_after_the_peer_reset_the_socket_are_dropped_and_the_failure_is_reported_once()
    {
        using var pair = await SocketPair.ConnectAsync();
        var failures = new List<Exception>();
        await using var stream = new BrokerSocketStream(pair.Client, failures.Add);

        // A healthy socket: the bytes arrive.
        await stream.WriteAsync(new byte[] { 1, 2, 3 });
        var received = new byte[3];
        await pair.Peer.ReceiveAsync(received);
        Assert.Equal(new byte[] { 1, 2, 3 }, received);
        Assert.False(stream.IsBroken);

        pair.ResetPeer();
        await WriteUntilBrokenAsync(stream);

        Assert.True(stream.IsBroken, "no write failed after the peer reset the connection");
        await stream.WriteAsync(Frame);
        stream.Write(Frame, 0, Frame.Length);
        await stream.FlushAsync();
        var failure = Assert.Single(failures);
        Assert.True(failure is IOException or SocketException, failure.ToString());
    }

    [Fact]
    public async Task A_plain_network_stream_throws_in_the_same_situation()
    {
        using var pair = await SocketPair.ConnectAsync();
        await using var stream = new NetworkStream(pair.Client, ownsSocket: false);

        pair.ResetPeer();

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 100; i++) await stream.WriteAsync(Frame);
        });
    }

    [Fact]
    public async Task A_cancelled_write_still_fails_as_cancelled_and_does_not_break_the_stream()
    {
        using var pair = await SocketPair.ConnectAsync();
        var failures = new List<Exception>();
        await using var stream = new BrokerSocketStream(pair.Client, failures.Add);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.WriteAsync(Frame, new CancellationToken(canceled: true)));

        Assert.False(stream.IsBroken);
        Assert.Empty(failures);
    }

    /// <summary>The first writes after a reset may still land in the kernel's buffer; a later one fails (bounded, not timed).</summary>
    private static async Task WriteUntilBrokenAsync(BrokerSocketStream stream)
    {
        for (var i = 0; i < 100 && !stream.IsBroken; i++) await stream.WriteAsync(Frame);
    }

    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket client, Socket peer)
        {
            Client = client;
            Peer = peer;
        }

        public Socket Client { get; }

        public Socket Peer { get; }

        public static async Task<SocketPair> ConnectAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return new SocketPair(client, await listener.AcceptSocketAsync());
        }

        /// <summary>Closes the peer with a zero linger: the client's side gets a reset, not an orderly close.</summary>
        public void ResetPeer()
        {
            Peer.LingerState = new LingerOption(true, 0);
            Peer.Close();
        }

        public void Dispose()
        {
            Client.Dispose();
            Peer.Dispose();
        }
    }
}
