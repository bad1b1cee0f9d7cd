using System.Net.Sockets;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// The TCP socket of a broker connection, as RabbitMQ.Client's default one (no Nagle delay), but
/// whose stream is a <see cref="BrokerSocketStream"/>: once a write to the node has failed, the
/// rest are dropped instead of failing, so that the client's writer never stops.
/// </summary>
/// <remarks>
/// RabbitMQ.Client 7.2.2 queues every outgoing frame (acks, publishes, heartbeats, close-ok) in a
/// channel of 128 frames that one background loop writes to the socket. When a node stops while
/// frames are in flight, a write fails and that loop ends, but the channel stays open: once 128
/// frames wait, every writer waits for ever. That includes the acks of the consumers, and the
/// connection's shutdown waits for those consumers, so the connection never finishes closing and
/// some receive endpoints never hear that their channel is gone: they stop consuming for good
/// (rabbitmq/rabbitmq-dotnet-client#1930, fixed after 7.2.2). Nothing written after that failure
/// can reach the broker anyway; dropping it lets the connection close and the service reconnect
/// to another node, where the unacknowledged messages are delivered again.
/// </remarks>
public sealed class BrokerSocket(Socket socket, Action<Exception>? onWriteFailure) : TcpClientAdapter(socket)
{
    /// <summary>A RabbitMQ.Client socket factory (ConnectionFactory.SocketFactory) that makes broker sockets.</summary>
    public static Func<AddressFamily, ITcpClient> Factory(Action<Exception>? onWriteFailure = null) =>
        family => new BrokerSocket(new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, onWriteFailure);

    public override NetworkStream GetStream() => new BrokerSocketStream(Client, onWriteFailure);
}
