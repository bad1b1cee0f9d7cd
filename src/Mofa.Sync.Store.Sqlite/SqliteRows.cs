using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>A row of a collection's table read back as a mirror document (the export and the snapshot's reads).</summary>
internal static class SqliteRows
{
    /// <summary>The columns <see cref="Document"/> reads, in its order.</summary>
    public const string Columns = "key, site, course_id, user_id, version, deleted, placeholder, data, updated_at";

    public static MirrorDocument Document(MirrorCollection collection, SqliteDataReader reader) => new()
    {
        Collection = collection,
        Key = reader.GetString(0),
        Site = reader.GetString(1),
        CourseId = reader.IsDBNull(2) ? null : reader.GetInt64(2),
        UserId = reader.IsDBNull(3) ? null : reader.GetInt64(3),
        Version = reader.GetString(4),
        Deleted = reader.GetInt64(5) != 0,
        Placeholder = reader.GetInt64(6) != 0,
        Data = reader.IsDBNull(7) ? null : JsonNode.Parse(reader.GetString(7))!.AsObject(),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
    };
}
