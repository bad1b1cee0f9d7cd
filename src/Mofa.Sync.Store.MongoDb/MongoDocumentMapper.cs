using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Store.MongoDb;

/// <summary>
/// MirrorDocument ⇄ BSON. The envelope (<see cref="EnvelopeFields"/>) and the collection's data
/// fields share the top level of the document, so other services query e.g. {site, courseId, kind}
/// directly. courseId and userId are both envelope and data fields: they are stored once, and a
/// live document's Data gets them back from the envelope when the envelope has them.
/// </summary>
internal static class MongoDocumentMapper
{
    public const string Id = "_id";
    public const string Site = "site";
    public const string CourseId = "courseId";
    public const string UserId = "userId";
    public const string VersionField = "version";
    public const string Deleted = "deleted";
    public const string Placeholder = "placeholder";
    public const string UpdatedAt = "updatedAt";

    /// <summary>Users only: when an event last named the user without changing the profile (the purge's guard, see MongoMirrorStore).</summary>
    public const string SeenAt = "seenAt";

    /// <summary>Tombstones only: the name of what was deleted (MirrorDocument.DeletedName).</summary>
    public const string DeletedName = "deletedName";

    /// <summary>The fields every document has; everything else at the top level is data.</summary>
    public static readonly IReadOnlySet<string> EnvelopeFields = new HashSet<string>(StringComparer.Ordinal)
    {
        Id, Site, CourseId, UserId, VersionField, Deleted, Placeholder, UpdatedAt, SeenAt, DeletedName,
    };

    /// <summary>
    /// The data fields of <paramref name="data"/> as BSON, ready to be flattened next to the
    /// envelope. Throws when a data field would collide with the envelope.
    /// </summary>
    public static BsonDocument DataFields(JsonObject? data, long? courseId, long? userId)
    {
        var fields = new BsonDocument();
        if (data is null) return fields;
        foreach (var (name, value) in data)
        {
            switch (name)
            {
                case CourseId:
                    RequireSame(name, value, courseId);
                    continue;
                case UserId:
                    RequireSame(name, value, userId);
                    continue;
            }

            if (EnvelopeFields.Contains(name) || name.StartsWith('$') || name.Contains('.', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The data field '{name}' cannot be stored at the top level of a MongoDB mirror document.", nameof(data));
            }

            fields.Add(name, ToBson(value));
        }

        return fields;
    }

    /// <summary>The document read back: envelope fields to properties, the rest to Data (null on tombstones and placeholders).</summary>
    public static MirrorDocument FromBson(MirrorCollection collection, BsonDocument doc)
    {
        var deleted = doc.TryGetValue(Deleted, out var d) && d.IsBoolean && d.AsBoolean;
        var placeholder = doc.TryGetValue(Placeholder, out var p) && p.IsBoolean && p.AsBoolean;
        var courseId = Int64OrNull(doc, CourseId);
        var userId = Int64OrNull(doc, UserId);

        JsonObject? data = null;
        if (!deleted && !placeholder)
        {
            data = [];
            if (courseId is not null) data[CourseId] = courseId;
            if (userId is not null) data[UserId] = userId;
            foreach (var element in doc)
            {
                if (!EnvelopeFields.Contains(element.Name)) data[element.Name] = ToJson(element.Value);
            }
        }

        return new MirrorDocument
        {
            Collection = collection,
            Key = doc[Id].AsString,
            Site = doc.TryGetValue(Site, out var s) && s.IsString ? s.AsString : "",
            CourseId = courseId,
            UserId = userId,
            Version = doc.TryGetValue(VersionField, out var v) && v.IsString ? v.AsString : "",
            Deleted = deleted,
            Placeholder = placeholder,
            Data = data,
            DeletedName = deleted && doc.TryGetValue(DeletedName, out var name) && name.IsString ? name.AsString : null,
            UpdatedAt = doc.TryGetValue(UpdatedAt, out var u) && u.IsValidDateTime
                ? new DateTimeOffset(u.ToUniversalTime(), TimeSpan.Zero)
                : DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>JSON to BSON: integers become Int64 (every Moodle id is one), other numbers doubles.</summary>
    public static BsonValue ToBson(JsonNode? node) => node switch
    {
        null => BsonNull.Value,
        JsonObject o => new BsonDocument(o.Select(kv => new BsonElement(kv.Key, ToBson(kv.Value)))),
        JsonArray a => new BsonArray(a.Select(ToBson)),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => new BsonString(v.GetValue<string>()),
            JsonValueKind.True => BsonBoolean.True,
            JsonValueKind.False => BsonBoolean.False,
            JsonValueKind.Null => BsonNull.Value,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => new BsonInt64(l),
            JsonValueKind.Number when TryInt64(v, out var l) => new BsonInt64(l),
            JsonValueKind.Number => new BsonDouble(v.GetValue<double>()),
            var kind => throw new ArgumentException($"unsupported JSON value kind {kind}", nameof(node)),
        },
        _ => throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node)),
    };

    public static JsonNode? ToJson(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => null,
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Int32 => JsonValue.Create((long)value.AsInt32),
        BsonType.Double => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 => JsonValue.Create((decimal)value.AsDecimal128),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.DateTime => JsonValue.Create(new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero)),
        BsonType.Array => new JsonArray(value.AsBsonArray.Select(ToJson).ToArray()),
        BsonType.Document => new JsonObject(value.AsBsonDocument.Select(e => KeyValuePair.Create(e.Name, ToJson(e.Value)))),
        _ => JsonValue.Create(value.ToString()),
    };

    private static bool TryInt64(JsonValue v, out long result)
    {
        // A JsonValue built from a JsonElement (SerializeToNode) answers TryGetValue<long> itself;
        // one built from an int or short does not always: go through the element.
        result = 0;
        var element = JsonSerializer.SerializeToElement(v);
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out result);
    }

    private static long? Int64OrNull(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var value) && value.IsNumeric ? value.ToInt64() : null;

    private static void RequireSame(string name, JsonNode? value, long? envelope)
    {
        long? inData = value is null ? null
            : value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && (v.TryGetValue<long>(out var l) || TryInt64(v, out l)) ? l
            : throw new ArgumentException($"The data field '{name}' must be a number.", nameof(value));
        if (inData != envelope)
        {
            throw new ArgumentException(
                $"The data field '{name}' ({inData?.ToString() ?? "null"}) differs from the document's {name} ({envelope?.ToString() ?? "null"}); " +
                "in MongoDB both are the same top-level field.", nameof(value));
        }
    }
}
