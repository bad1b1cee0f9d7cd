using System.Net.Sockets;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// A network stream whose writes cannot fail: the first write that fails (the node reset or closed
/// the socket) marks the stream broken and is reported once; it and every later write then complete
/// without sending anything. Reads are untouched, so the client still reads the node's
/// connection.close, or the end of the stream, and closes the connection as it should.
/// Why: <see cref="BrokerSocket"/>.
/// </summary>
public sealed class BrokerSocketStream(Socket socket, Action<Exception>? onWriteFailure) : NetworkStream(socket, ownsSocket: false)
{
    private int _broken;

    /// <summary>True once a write has failed; nothing is sent from then on.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) == 1;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (IsBroken) return;
        try
        {
            base.Write(buffer);
        }
        catch (Exception ex) when (IsSocketFailure(ex))
        {
            Broke(ex);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (IsBroken) return;
        try
        {
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSocketFailure(ex))
        {
            Broke(ex);
        }
    }

    // A cancelled write is the caller's choice, not a dead socket: it still fails as before.
    private static bool IsSocketFailure(Exception ex) => ex is IOException or SocketException or ObjectDisposedException;

    private void Broke(Exception ex)
    {
        if (Interlocked.Exchange(ref _broken, 1) == 0) onWriteFailure?.Invoke(ex);
    }
}
