using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>
/// MassTransit's raw JSON deserializer, made forgiving of bodies that are no JSON object (not
/// JSON at all, empty, an array): MassTransit would fault those before any consumer runs, with
/// a System.Text.Json message as the only reason. Here they reach <see cref="BridgeEventConsumer"/>
/// as an empty <see cref="BridgeMessage"/>; the consumer reads the original bytes and its parser
/// sends them to _error with a reason in plain words.
/// </summary>
public sealed class BridgeBodyDeserializer : IMessageDeserializer
{
    private static readonly MessageBody EmptyObject = new StringMessageBody("{}");
    private readonly SystemTextJsonRawMessageSerializer _inner = new(RawSerializerOptions.AnyMessageType);

    public ContentType ContentType => _inner.ContentType;

    public void Probe(ProbeContext context) => _inner.Probe(context);

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        var bytes = body.GetBytes().AsSpan().TrimStart(" \t\r\n"u8);
        if (bytes.IsEmpty || bytes[0] != (byte)'{') return _inner.Deserialize(EmptyObject, headers, destinationAddress);
        try
        {
            return _inner.Deserialize(body, headers, destinationAddress);
        }
        catch (System.Runtime.Serialization.SerializationException)
        {
            return _inner.Deserialize(EmptyObject, headers, destinationAddress);
        }
    }

    public MessageBody GetMessageBody(string text) => _inner.GetMessageBody(text);
}

/// <summary>Registers <see cref="BridgeBodyDeserializer"/> for application/json (and bodies without a content type).</summary>
public sealed class BridgeBodySerializerFactory : ISerializerFactory
{
    private readonly SystemTextJsonRawMessageSerializer _serializer = new(RawSerializerOptions.AnyMessageType);

    public ContentType ContentType => _serializer.ContentType;

    public IMessageSerializer CreateSerializer() => _serializer;

    public IMessageDeserializer CreateDeserializer() => new BridgeBodyDeserializer();
}
