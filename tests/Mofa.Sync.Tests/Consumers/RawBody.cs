using System.Net.Mime;
using MassTransit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>A body as the bridge sends it: bytes, which need not be JSON at all.</summary>
public sealed record RawBody(byte[] Bytes);

/// <summary>Puts a <see cref="RawBody"/>'s bytes on the wire as they are, as application/json (the bridge's content type).</summary>
public sealed class RawBodySerializer : IMessageSerializer
{
    public ContentType ContentType { get; } = new("application/json");

    public MessageBody GetMessageBody<T>(SendContext<T> context)
        where T : class =>
        context.Message is RawBody raw ? new BytesMessageBody(raw.Bytes) : throw new InvalidOperationException($"only a {nameof(RawBody)} is sent raw");
}
