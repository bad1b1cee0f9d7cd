using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Tests.Contracts.Schema;

/// <summary>
/// The bridge's part of docs/asyncapi.yaml, generated from the registry (<see cref="ContractSchemas.Routes"/>):
/// one channel per routing key on <see cref="BridgeExchange.Name"/>, each with its message, whose
/// payload is its contract's generated schema and whose description is its route's purpose. The
/// rest of the document (info, servers, the NotificationRequested channel and message) is written
/// by hand; the generated parts sit between marker comments (<see cref="MarkedBlock"/>). A test keeps
/// the file in step (set MOFASYNC_UPDATE_SCHEMAS=1 and run SchemaDriftTests to rewrite it).
/// </summary>
public static class AsyncApiBridgeChannels
{
    /// <summary>The AsyncAPI document, relative to the repository root.</summary>
    public const string DocumentPath = "docs/asyncapi.yaml";

    /// <summary>Marks the channels, under <c>channels:</c>.</summary>
    public const string ChannelsBlock = "bridge channels";

    /// <summary>Marks their messages, under <c>components: messages:</c>.</summary>
    public const string MessagesBlock = "bridge messages";

    /// <summary>The schemas' folder (<see cref="ContractSchemas.Directory"/>) as seen from the document's.</summary>
    private const string SchemaReferenceBase = "./schemas/";

    /// <summary>One routing key as the document describes it.</summary>
    internal sealed record Channel(string RoutingKey, Type Contract, string Purpose)
    {
        /// <summary>course_module_created → courseModuleCreated: the operation's id and the message's name in components.</summary>
        public string Id { get; } = IdOf(RoutingKey);
    }

    /// <summary>Every routing key of the registry, in its order.</summary>
    internal static IReadOnlyList<Channel> Channels() =>
        ContractSchemas.Routes.Select(r => new Channel(r.RoutingKey, r.Contract, ContractSchemas.PurposeOf(r.Contract))).ToList();

    /// <summary><paramref name="document"/> (the text of docs/asyncapi.yaml) with its generated blocks rewritten from the registry.</summary>
    /// <exception cref="FormatException">A block's marker lines are missing, repeated or out of order.</exception>
    /// <exception cref="InvalidOperationException">A routing key is not of Moodle's form, or two would share a name.</exception>
    public static string Update(string document) => Update(document, Channels());

    internal static string Update(string document, IReadOnlyList<Channel> channels)
    {
        // Moodle's form (component.event_name) is also a plain YAML scalar, so the keys need no quoting.
        var malformed = channels.FirstOrDefault(c => !IsMoodleForm(c.RoutingKey));
        if (malformed is not null)
        {
            throw new InvalidOperationException($"the routing key '{malformed.RoutingKey}' is not of Moodle's form component.event_name");
        }

        var duplicate = channels.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"the routing keys {string.Join(" and ", duplicate.Select(c => c.RoutingKey))} would both be named '{duplicate.Key}' in {DocumentPath}");
        }

        var text = Replace(document, ChannelsBlock, channels.Select(ChannelText));
        return Replace(text, MessagesBlock, channels.Select(MessageText));
    }

    private static string Replace(string document, string block, IEnumerable<string> parts)
    {
        try
        {
            return MarkedBlock.Replace(document, block, string.Concat(parts).ReplaceLineEndings("\n"));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{DocumentPath}: {e.Message}", e);
        }
    }

    // The templates are the YAML as it reads in the file (two spaces under channels:, four under messages:).
    private static string ChannelText(Channel c) => $$"""
          {{c.RoutingKey}}:
            description: {{Quoted(c.Purpose)}}
            bindings:
              amqp:
                is: routingKey
                exchange:
                  name: {{BridgeExchange.Name}}
                  type: topic
                  durable: true
                  autoDelete: false
                  vhost: /
                bindingVersion: 0.3.0
            publish:
              operationId: {{c.Id}}
              summary: {{Quoted($"The bridge publishes {c.RoutingKey}.")}}
              bindings:
                amqp:
                  deliveryMode: 2
                  mandatory: false
                  ack: true
                  bindingVersion: 0.3.0
              message:
                $ref: '#/components/messages/{{c.Id}}'

        """;

    private static string MessageText(Channel c) => $$"""
            {{c.Id}}:
              name: {{c.RoutingKey}}
              title: {{c.RoutingKey}}
              summary: {{Quoted(c.Purpose)}}
              contentType: {{BridgeExchange.ContentType}}
              schemaFormat: application/schema+json;version=draft-07
              payload:
                $ref: '{{SchemaReferenceBase}}{{ContractSchemas.FileName(c.Contract)}}'
              bindings:
                amqp:
                  contentEncoding: utf-8
                  messageType: {{c.RoutingKey}}
                  bindingVersion: 0.3.0

        """;

    /// <summary>A JSON string is a YAML double-quoted scalar: whatever a purpose holds, it reads back the same.</summary>
    private static string Quoted(string text) => JsonSerializer.Serialize(text, QuotingOptions);

    private static readonly JsonSerializerOptions QuotingOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool IsMoodleForm(string routingKey) =>
        routingKey.Contains('.', StringComparison.Ordinal)
        && BridgeRoutingKeys.FromEventName(BridgeRoutingKeys.ToEventName(routingKey)) == routingKey;

    private static string IdOf(string routingKey)
    {
        var name = routingKey[(routingKey.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var id = new StringBuilder(name.Length);
        var upper = false;
        foreach (var ch in name)
        {
            if (ch == '_')
            {
                upper = true;
                continue;
            }

            id.Append(upper ? char.ToUpperInvariant(ch) : ch);
            upper = false;
        }

        return id.ToString();
    }
}
