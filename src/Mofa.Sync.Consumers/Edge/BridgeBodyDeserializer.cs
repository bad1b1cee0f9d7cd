using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// MassTransit's raw JSON deserializer, handed an empty object instead of the body: every bridge
/// message reaches the agents' consumer (<see cref="BridgeEventConsumer"/>) as an empty <see cref="BridgeMessage"/>, and
/// the consumer reads the original bytes itself (strictly, once). Two reasons: MassTransit would
/// fault a body that is no JSON object (not JSON, empty, an array) before any consumer runs, with
/// a System.Text.Json message as the only reason, where the consumer's parser says what is wrong
/// in plain words; and a parse whose result nobody reads costs time on every message.
/// </summary>
public sealed class BridgeBodyDeserializer : IMessageDeserializer
{
    private static readonly MessageBody EmptyObject = new StringMessageBody("{}");
    private readonly SystemTextJsonRawMessageSerializer _inner = new(RawSerializerOptions.AnyMessageType);

    public ContentType ContentType => _inner.ContentType;

    public void Probe(ProbeContext context) => _inner.Probe(context);

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) =>
        _inner.Deserialize(EmptyObject, headers, destinationAddress);

    public MessageBody GetMessageBody(string text) => _inner.GetMessageBody(text);
}

/// <summary>Registers <see cref="BridgeBodyDeserializer"/> for application/json (and bodies without a content type).</summary>
public sealed class BridgeBodySerializerFactory : ISerializerFactory
{
    /// <summary>
    /// Makes <see cref="BridgeBodyDeserializer"/> the endpoint's only one, so every delivery reaches
    /// the agent's consumer whatever its content type, and the reader refuses a type other than
    /// JSON with its reason. Next to MassTransit's own deserializers, application/vnd.masstransit+json
    /// went to its envelope reader, which faulted ("Value cannot be null. (Parameter 'envelope')").
    /// </summary>
    public static void UseAsOnlyDeserializer(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.ClearSerialization();
        endpoint.AddSerializer(new BridgeBodySerializerFactory(), isSerializer: true);
        endpoint.AddDeserializer(new BridgeBodySerializerFactory(), isDefault: true);
    }

    private readonly SystemTextJsonRawMessageSerializer _serializer = new(RawSerializerOptions.AnyMessageType);

    public ContentType ContentType => _serializer.ContentType;

    public IMessageSerializer CreateSerializer() => _serializer;

    public IMessageDeserializer CreateDeserializer() => new BridgeBodyDeserializer();
}
