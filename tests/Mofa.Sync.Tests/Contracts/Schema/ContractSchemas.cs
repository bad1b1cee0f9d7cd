using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts.Schema;

/// <summary>
/// The JSON Schemas (draft 2020-12) of the bridge messages and of the outbound NotificationRequested, generated from the contract records
/// with <see cref="JsonSchemaExporter"/> and <see cref="BridgeJson.Options"/>, then annotated with
/// what the service's validators enforce, read off the validators themselves (<see cref="ValidatorSchema"/>). The published copies live in <see cref="Directory"/>; a test keeps
/// them in step with the records (set MOFASYNC_UPDATE_SCHEMAS=1 and run it to rewrite them).
/// </summary>
public static class ContractSchemas
{
    /// <summary>Where the generated files are published, relative to the repository root.</summary>
    public const string Directory = "docs/schemas";

    /// <summary>Base of every schema's $id.</summary>
    public const string IdBase = "https://mofa.example/schemas/";

    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Every routing key of the bridge contract and the record its body is read into: the subscription map's (BridgeAgents.Subscriptions).</summary>
    public static readonly IReadOnlyList<(string RoutingKey, Type Contract)> Routes =
        BridgeAgents.Subscriptions.Routes.Select(r => (r.RoutingKey, r.Contract)).ToList();

    /// <summary>What a message of <paramref name="contract"/> asks of the mirror, as its route says (each schema's description starts with it).</summary>
    public static string PurposeOf(Type contract) => BridgeAgents.Subscriptions.Of(contract).Purpose;

    /// <summary>Descriptions of the envelope and the common fields, by JSON name.</summary>
    private static readonly Dictionary<string, string> FieldDescriptions = new(StringComparer.Ordinal)
    {
        ["schemaVersion"] = "Contract version; only 1 exists.",
        ["eventId"] = "Unique per Moodle event across every site (a UUID made once, when the event is first recorded); the same on every re-publication; the idempotency key and the AMQP message-id.",
        ["site"] = "The Moodle site's wwwroot, e.g. https://moodle.example.edu.",
        ["eventName"] = "Moodle's event name verbatim; its routing key is the name without \\event\\, backslashes as dots.",
        ["timeCreated"] = "Moodle's timecreated (unix seconds).",
        ["sequence"] = "Optional; orders events of the same second: never smaller for a later event of the site, the same for messages derived from one Moodle event (e.g. the bridge's own outbox row id). Absent counts as 0.",
        ["actorId"] = "The Moodle user who caused the event (0 for the system).",
        ["courseId"] = "course.id",
        ["cmId"] = "course_modules.id",
        ["instanceId"] = "The id of the module's own record (e.g. quiz.id).",
        ["moduleName"] = "Moodle's modname: assign, quiz, choice, resource, page, url, forum, ...",
        ["url"] = "Optional link to the module; defaults to {site}/mod/{moduleName}/view.php?id={cmId}.",
        ["userId"] = "user.id",
        ["roleShortName"] = "role.shortname, e.g. editingteacher.",
        ["quizId"] = "The quiz instance id (quiz.id).",
        ["quizCmId"] = "The quiz's course module id.",
        ["questions"] = "The quiz's whole current question list (may be empty); each questionId at most once.",
        ["questionId"] = "question.id",
        ["fullName"] = "course.fullname",
        ["shortName"] = "course.shortname",
        ["user"] = "The user's profile, from the user record snapshot (never a password).",
        ["username"] = "user.username",
        ["email"] = "user.email (may be empty)",
        ["firstName"] = "user.firstname (may be empty)",
        ["lastName"] = "user.lastname (may be empty)",
    };

    /// <summary>Descriptions of fields whose meaning depends on the record.</summary>
    private static readonly Dictionary<(Type, string), string> TypedFieldDescriptions = new()
    {
        [(typeof(CourseModuleChanged), "name")] = "The module's name as shown in the course (e.g. assign.name, quiz.name).",
        [(typeof(QuizQuestion), "name")] = "question.name",
    };

    /// <summary>The envelope's JSON names in declaration order; they lead every schema's properties.</summary>
    private static readonly string[] EnvelopeFields =
        ["schemaVersion", "eventId", "site", "eventName", "timeCreated", "sequence", "actorId"];

    /// <summary>The validator the service runs on <paramref name="contract"/>, as its subscription holds it: the one place the schema code reaches the validators.</summary>
    public static IValidator ValidatorOf(Type contract) => BridgeAgents.Subscriptions.Of(contract).Validator;

    /// <summary>Schema file name of a contract record: CourseChanged.schema.json.</summary>
    public static string FileName(Type contract) => $"{contract.Name}.schema.json";

    /// <summary>The routing keys whose bodies are read into <paramref name="contract"/>.</summary>
    public static IReadOnlyList<string> RoutingKeysOf(Type contract) =>
        Routes.Where(r => r.Contract == contract).Select(r => r.RoutingKey).ToList();

    /// <summary>File name → schema text, one per contract record, ordered by file name.</summary>
    public static IReadOnlyDictionary<string, string> Generate()
    {
        var options = new JsonSerializerOptions(BridgeJson.Options)
        {
            TypeInfoResolver = BridgeJson.Options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var contract in Routes.Select(r => r.Contract).Distinct())
        {
            files.Add(FileName(contract), Write(SchemaOf(contract, options)));
        }

        files.Add(FileName(typeof(NotificationRequested)), Write(NotificationSchemaOf(options)));
        return files;
    }

    /// <summary>The outbound message's fields, by (record, JSON name): its own words, not the bridge's.</summary>
    private static readonly Dictionary<(Type, string), string> NotificationFields = new()
    {
        [(typeof(NotificationRequested), "notificationId")] = "The digest's id: stable, the same in every copy of this notification. Deduplicate on it (the AMQP message-id is a GUID derived from it).",
        [(typeof(NotificationRequested), "site")] = "The Moodle site's wwwroot, canonical form.",
        [(typeof(NotificationRequested), "course")] = "The course whose content changed.",
        [(typeof(NotificationRequested), "recipients")] = "The Moodle user ids to tell: the users holding a teacher role in the course in the mirror when the digest closed (may be empty).",
        [(typeof(NotificationRequested), "changes")] = "The course's module changes in the digest window, oldest first (at least one).",
        [(typeof(NotificationRequested), "text")] = "The message the teachers read, built once when the digest closed.",
        [(typeof(NotificationRequested), "closedAt")] = "When the digest closed (unix seconds).",
        [(typeof(NotifiedCourse), "id")] = "course.id",
        [(typeof(NotifiedCourse), "name")] = "The course's full name in the mirror when the digest closed; null when the mirror does not know the course.",
        [(typeof(NotifiedChange), "kind")] = "created, updated or deleted.",
        [(typeof(NotifiedChange), "cmId")] = "course_modules.id",
        [(typeof(NotifiedChange), "moduleKind")] = "assign, quiz, choice or resource.",
        [(typeof(NotifiedChange), "itemName")] = "The module's name; for a delete the last name the sync knew, or null when unknown.",
        [(typeof(NotifiedChange), "itemUrl")] = "Link to the module; null for deletes.",
        [(typeof(NotifiedChange), "timeCreated")] = "When it happened in Moodle (unix seconds, the bridge event's timeCreated).",
        [(typeof(NotifiedChange), "eventId")] = "The bridge event that caused the change.",
        [(typeof(NotificationMessageText), "plain")] = "Plain text, lines separated by \\n.",
        [(typeof(NotificationMessageText), "html")] = "HTML (Moodle's FORMAT_HTML, what the sync sends): every name and link escaped, the only markup <br> and <a href>.",
    };

    /// <summary>The schema of the outbound NotificationRequested (the message part of MassTransit's envelope).</summary>
    private static JsonObject NotificationSchemaOf(JsonSerializerOptions options)
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (context.PropertyInfo is not { } property || node is not JsonObject schema) return node;
                if (NotificationFields.TryGetValue((property.DeclaringType, property.Name), out var description)) schema.Insert(0, "description", description);
                if ((property.DeclaringType, property.Name) == (typeof(NotifiedChange), "kind"))
                {
                    schema["enum"] = new JsonArray(NotificationKinds.Created, NotificationKinds.Updated, NotificationKinds.Deleted);
                }

                if ((property.DeclaringType, property.Name) == (typeof(NotificationRequested), "changes")) schema["minItems"] = 1;
                return schema;
            },
        };

        var exported = (JsonObject)options.GetJsonSchemaAsNode(typeof(NotificationRequested), exporterOptions);
        var schema = new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = IdBase + FileName(typeof(NotificationRequested)),
            ["title"] = nameof(NotificationRequested),
            ["description"] = "Outbound: one course digest closed; its teachers should be told. Published by the sync to the fanout exchange "
                + "{RabbitMq:QueuePrefix}.notification-requested (mofa-sync.notification-requested by default) as the message of MassTransit's JSON envelope, "
                + "at least once: deduplicate on notificationId.",
        };
        foreach (var (name, value) in exported.ToList())
        {
            exported.Remove(name);
            schema[name] = value;
        }

        return schema;
    }

    private static JsonObject SchemaOf(Type contract, JsonSerializerOptions options)
    {
        var rules = new ValidatorSchema(ValidatorOf(contract));
        if (rules.Untranslated.Count > 0)
        {
            throw new InvalidOperationException($"rules with no JSON Schema translation (see ValidatorSchema): {string.Join("; ", rules.Untranslated)}");
        }

        var annotated = new HashSet<(Type, string)>();
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (context.PropertyInfo is not { } property || node is not JsonObject schema) return node;
                if (TypedFieldDescriptions.TryGetValue((property.DeclaringType, property.Name), out var description)
                    || FieldDescriptions.TryGetValue(property.Name, out description))
                {
                    schema.Insert(0, "description", description);
                }

                if (property.Name == "eventName") schema["enum"] = new JsonArray([.. RoutingKeysOf(contract).Select(k => (JsonNode?)JsonValue.Create(BridgeRoutingKeys.ToEventName(k)))]);
                // The envelope's fields are declared by MoodleEvent; the contract's validator holds their rules.
                var record = property.DeclaringType.IsAssignableFrom(contract) ? contract : property.DeclaringType;
                ValidatorSchema.Annotate(schema, rules.Of(record, property.Name), $"{record.Name}.{property.Name}");
                annotated.Add((record, property.Name));
                return schema;
            },
        };

        var exported = (JsonObject)options.GetJsonSchemaAsNode(contract, exporterOptions);
        var unused = rules.Fields.Where(f => !annotated.Contains(f)).Select(f => $"{f.Record.Name}.{f.Field}").ToList();
        if (unused.Count > 0) throw new InvalidOperationException($"rules on fields the schema of {contract.Name} does not have: {string.Join(", ", unused)}");

        var keys = RoutingKeysOf(contract);
        var schema = new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = IdBase + FileName(contract),
            ["title"] = contract.Name,
            ["description"] = $"{PurposeOf(contract)} Routing key{(keys.Count == 1 ? string.Empty : "s")} on exchange {BridgeExchange.Name}: {string.Join(", ", keys)}.",
        };
        foreach (var (name, value) in exported.ToList())
        {
            exported.Remove(name);
            schema[name] = value;
        }

        EnvelopeFirst(schema);
        return schema;
    }

    /// <summary>The exporter lists a derived record's own members first; the envelope reads better first.</summary>
    private static void EnvelopeFirst(JsonObject schema)
    {
        var properties = (JsonObject)schema["properties"]!;
        var ordered = properties.OrderBy(p => Rank(p.Key)).ToList();
        properties.Clear();
        foreach (var (name, value) in ordered) properties[name] = value;

        var required = (JsonArray)schema["required"]!;
        var names = required.Select(n => n!.GetValue<string>()).OrderBy(Rank).ToList();
        required.Clear();
        foreach (var name in names) required.Add(name);

        // Stable sort: envelope fields in their order, then the record's own in declaration order.
        static int Rank(string name) => Array.IndexOf(EnvelopeFields, name) is var i and >= 0 ? i : EnvelopeFields.Length;
    }

    private static string Write(JsonNode schema)
    {
        var text = schema.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        return text + "\n";
    }
}
