using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Mofa.Sync.Mirror;

/// <summary>
/// The JSON Schema (draft 2020-12) of `mofa-sync mirror export --json`, generated from the
/// <see cref="MirrorExport"/> records with the options the export is written with. The export
/// never writes nulls (they are left out), so a nullable member is an optional property of its
/// plain type, and every other member is required. A test keeps the published copy in step.
/// </summary>
public static class MirrorExportSchema
{
    /// <summary>Where the published copy lives, relative to the repository root.</summary>
    public const string Path = "docs/schemas/export/MirrorExport.schema.json";

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["courses"] = "Courses by (site, courseId). A placeholder is a course known only from its children's events (no names yet).",
        ["modules"] = "Course modules by (site, cmId). kind is assign, quiz, choice or resource; resourceType is the Moodle modname of a resource.",
        ["users"] = "Users holding at least one live teacher role, with those roles (one entry per course and role).",
        ["quizQuestions"] = "One entry per question of a quiz's current list.",
        ["deleted"] = "Present (true) only with --include-tombstones, on a deleted course or module.",
        ["placeholder"] = "True while only the course's children have been seen.",
    };

    public static string Generate()
    {
        var options = new JsonSerializerOptions(MirrorExport.Json)
        {
            TypeInfoResolver = MirrorExport.Json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(),
            RespectNullableAnnotations = true,
            // The export writes numbers as numbers; reading them from strings is not its concern.
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        };
        options.MakeReadOnly();

        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is not JsonObject schema) return node;
                if (context.PropertyInfo is { } property)
                {
                    WithoutNull(schema);
                    schema.Remove("default");
                    if (Descriptions.TryGetValue(property.Name, out var description)) schema.Insert(0, "description", description);
                }
                else if (context.TypeInfo.Kind == JsonTypeInfoKind.Object)
                {
                    // Written whenever not null: the members that can never be null are always there.
                    schema["required"] = new JsonArray([.. context.TypeInfo.Properties
                        .Where(p => !IsNullable(p))
                        .Select(p => (JsonNode?)JsonValue.Create(p.Name))]);
                    schema["additionalProperties"] = false;
                }

                return schema;
            },
        };

        var exported = (JsonObject)options.GetJsonSchemaAsNode(typeof(MirrorExport), exporter);
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://mofa.example/schemas/export/MirrorExport.schema.json",
            ["title"] = "MirrorExport",
            ["description"] = "What `mofa-sync mirror export --json` prints: the mirror as other Mofa services see it, sorted by site and id. Names are the raw values the bridge sent.",
        };
        foreach (var (name, value) in exported.ToList())
        {
            exported.Remove(name);
            document[name] = value;
        }

        return document.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }

    private static bool IsNullable(JsonPropertyInfo p) =>
        p.IsGetNullable || Nullable.GetUnderlyingType(p.PropertyType) is not null;

    /// <summary>"type": ["string", "null"] → "string": the export leaves nulls out instead of writing them.</summary>
    private static void WithoutNull(JsonObject schema)
    {
        if (schema["type"] is JsonArray types)
        {
            var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            schema["type"] = kept.Count == 1 ? kept[0] : new JsonArray([.. kept.Select(t => (JsonNode?)JsonValue.Create(t))]);
        }
    }
}
