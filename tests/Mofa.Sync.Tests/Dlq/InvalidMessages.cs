using System.Text.Json.Nodes;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>
/// Bridge messages that break the contract in three different ways, so the service dead-letters
/// them at once (no retries) under three different reasons. Ids: a* unsupported schemaVersion,
/// b* a missing courseId, c* not JSON.
/// </summary>
internal static class InvalidMessages
{
    public static readonly string[] Ids = ["a1", "b1", "a2", "c1", "b2", "a3", "b3", "a4", "c2"];

    public static (string RoutingKey, string Body, string? EventId) Of(string id)
    {
        var (routingKey, body) = BridgeBody.Of(DlqTestKit.Course(40 + id[1] - '0', $"Course {id}", id, 1_788_000_000, 1));
        var json = JsonNode.Parse(body)!.AsObject();
        switch (id[0])
        {
            case 'a':
                json["schemaVersion"] = 2;
                break;
            case 'b':
                json.Remove("courseId");
                break;
            default:
                return (routingKey, "{\"eventId\": \"" + id + "\", this is not JSON", id);
        }

        return (routingKey, json.ToJsonString(BridgeJson.Options), id);
    }

    public static IEnumerable<(string RoutingKey, string Body, string? EventId)> All() => Ids.Select(Of);

    public const string UnsupportedSchema = "schemaVersion 2 is not supported";
    public const string MissingCourseId = "missing required field(s) courseId";
    public const string NotJson = "the body is not JSON";

    public static string ReasonOf(string id) => id[0] switch
    {
        'a' => UnsupportedSchema,
        'b' => MissingCourseId,
        _ => NotJson,
    };
}
