using System.Text.Json;
using System.Text.RegularExpressions;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Parsing;

/// <summary>
/// Reads a raw bridge body into its typed contract, strictly: the kind comes from the routing key
/// alone (for a replay, the original one it carries, see OriginalRoutingKey), the body's eventName
/// must be the event that routing key names, the fields must be present with their camelCase names
/// and JSON types, and the validator's rules must hold.
/// The event's site is then put in its canonical form (<see cref="SiteAddress"/>) before anything
/// is keyed by it and, with Moodle sites configured, must be one of them.
/// Anything else throws <see cref="InvalidBridgeMessageException"/> with a reason in plain words.
/// </summary>
public sealed partial class BridgeMessageParser(BridgeSubscriptions subscriptions)
{
    /// <summary>
    /// How deep objects and arrays may nest. The contract needs 3 levels; the rest is room for
    /// fields the contract does not name (ignored, but still read), and a bound on the work.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>The contract's options, nested no deeper than the strict path's document may be.</summary>
    private static readonly JsonSerializerOptions DirectOptions = new(BridgeJson.Options) { MaxDepth = MaxDepth };

    /// <param name="routingKey">The key the message was published with; null when it came straight to the queue without one.</param>
    /// <param name="rules">The settings the rules depend on; null for the defaults.</param>
    /// <param name="sites">The configured Moodle sites; null or none configured: any site is accepted.</param>
    public ParsedBridgeMessage Parse(string? routingKey, ReadOnlyMemory<byte> body, ValidationSettings? rules = null, MoodleSites? sites = null) =>
        Parse(routingKey, subscriptions.Find(routingKey), body, rules, sites);

    /// <summary>As above, with the subscription of <paramref name="routingKey"/> already looked up (null: a kind the service does not read).</summary>
    public static ParsedBridgeMessage Parse(string? routingKey, BridgeSubscription? route, ReadOnlyMemory<byte> body, ValidationSettings? rules, MoodleSites? sites)
    {
        // A UTF-8 byte order mark (some PHP editors and encoders write one) is no part of the JSON.
        if (body.Span.StartsWith(Utf8Bom)) body = body[Utf8Bom.Length..];

        // Two paths, for speed: almost every message is valid, and reading it straight into its
        // contract costs one pass. Whatever that pass does not accept outright is read again by the
        // strict path, which alone words the reasons: an invalid message gets the same reason either way.
        var parsed = TryParseValid(routingKey, route, body.Span, rules) ?? ParseStrictly(routingKey, route, body, rules);
        return parsed.Event is null ? parsed : OnCanonicalSite(parsed, parsed.Event, sites);
    }

    /// <summary>The event with its site in canonical form, if that site may be mirrored (the validator has checked it is a wwwroot).</summary>
    private static ParsedBridgeMessage OnCanonicalSite(ParsedBridgeMessage parsed, MoodleEvent e, MoodleSites? sites)
    {
        var site = SiteAddress.Canonicalize(e.Site, out var why) ?? throw Invalid($"{parsed.Kind}: site {why}");
        if (sites?.Refuse(site) is { } refused) throw Invalid($"{parsed.Kind}: {refused}");
        return site == e.Site ? parsed : parsed with { Event = e with { Site = site } };
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The message as the strict path would read it when it is valid and its routing key names a route; otherwise null.</summary>
    private static ParsedBridgeMessage? TryParseValid(string? routingKey, BridgeSubscription? route, ReadOnlySpan<byte> body, ValidationSettings? rules)
    {
        if (route is null) return null;

        MoodleEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(body, route.Contract, DirectOptions) as MoodleEvent;
        }
        catch (Exception)
        {
            return null;
        }

        if (e is null || e.SchemaVersion != BridgeExchange.SchemaVersion) return null;
        if (BridgeRoutingKeys.FromEventName(e.EventName) != routingKey) return null;
        return route.Validate(e, rules ?? ValidationSettings.Default).IsValid ? ParsedBridgeMessage.Handled(route, routingKey!, e) : null;
    }

    private static ParsedBridgeMessage ParseStrictly(string? routingKey, BridgeSubscription? route, ReadOnlyMemory<byte> body, ValidationSettings? rules)
    {
        // Without its routing key a message has no kind: its eventName is what is to be checked, never the judge.
        if (routingKey is null)
        {
            throw Invalid($"the message has no routing key: it came straight to the queue without the {OriginalRoutingKey.Header} header "
                + "that mofa-sync dlq replay adds; publish it to the bridge exchange with its routing key");
        }

        if (body.IsEmpty || body.Span.Trim(" \t\r\n"u8).IsEmpty) throw Invalid("the body is empty; expected one JSON object");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex) when (ex.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            throw Invalid($"the body nests objects or arrays deeper than {MaxDepth} levels (the contract's messages need 3)");
        }
        catch (JsonException ex)
        {
            throw Invalid($"the body is not JSON ({Shorten(ex.Message)}); expected one JSON object");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid($"the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}; expected one JSON object");

            if (route is null) return ParsedBridgeMessage.Ignored(routingKey, "the sync does not handle this event kind");

            // An eventName not of Moodle's form is worded by the validator; one of another kind is refused here, before the fields.
            var eventName = root.TryGetProperty("eventName", out var en) && en.ValueKind == JsonValueKind.String ? en.GetString() : null;
            var fromEventName = BridgeRoutingKeys.FromEventName(eventName);
            if (fromEventName is not null && fromEventName != routingKey)
            {
                throw Invalid($"eventName '{Quote(eventName)}' does not match routing key '{Quote(routingKey)}': it is the event of routing key '{fromEventName}'");
            }

            // Checked before the fields: a future schema may have other fields, and this says why.
            if (root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number
                && (!sv.TryGetInt32(out var version) || version != BridgeExchange.SchemaVersion))
            {
                throw Invalid($"schemaVersion {sv.GetRawText()} is not supported: this service reads schemaVersion {BridgeExchange.SchemaVersion}");
            }

            MoodleEvent e;
            try
            {
                e = (MoodleEvent)(root.Deserialize(route.Contract, BridgeJson.Options)
                    ?? throw Invalid("the body is null; expected one JSON object"));
            }
            catch (JsonException ex)
            {
                throw Invalid($"{routingKey}: {Explain(ex, root)}");
            }

            var broken = BridgeValidators.Reasons(route.Validate(e, rules ?? ValidationSettings.Default));
            if (broken is not null) throw Invalid($"{routingKey}: {broken}");
            return ParsedBridgeMessage.Handled(route, routingKey, e);
        }
    }

    /// <summary>Turns System.Text.Json's messages into the contract's words.</summary>
    private static string Explain(JsonException ex, JsonElement root)
    {
        var missing = MissingRequired().Match(ex.Message);
        if (missing.Success)
        {
            var names = missing.Groups[1].Value.Replace("'", string.Empty, StringComparison.Ordinal);
            var snake = root.EnumerateObject().Select(p => p.Name).Where(n => n.Contains('_', StringComparison.Ordinal)).Take(3).ToList();
            var hint = snake.Count > 0 ? $" (the body has snake_case fields such as {string.Join(", ", snake)}: fields must be camelCase)" : string.Empty;
            return $"missing required field(s) {names}{hint}";
        }

        var field = (ex.Path ?? "$").TrimStart('$').TrimStart('.');

        // Text that is no text: System.Text.Json says "could not be converted", which read as a wrong type.
        if (ex.InnerException is InvalidOperationException text)
        {
            if (text.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
            {
                return $"field {field} holds a lone surrogate (one half of a UTF-16 pair, \\uD800–\\uDFFF, without the other): that is no character; text must be valid Unicode";
            }

            if (text.Message.Contains("invalid UTF-8", StringComparison.OrdinalIgnoreCase))
            {
                return $"field {field} is not valid UTF-8 text: the body must be UTF-8";
            }
        }

        if (ex.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("doesn't allow", StringComparison.Ordinal))
        {
            var nullField = NullField().Match(ex.Message);
            var name = nullField.Success ? nullField.Groups[1].Value : field;
            // The path names a nested field in full (user.email), the message only its last part.
            return $"field {(field.EndsWith(name, StringComparison.Ordinal) ? field : name)} must not be null";
        }

        var converted = ConvertedTo().Match(ex.Message);
        if (converted.Success)
        {
            var expected = converted.Groups[1].Value switch
            {
                "System.Int64" or "System.Int32" or "System.Nullable`1[System.Int64]" => "a whole number",
                "System.String" => "a string",
                var t when t.Contains("List", StringComparison.Ordinal) => "an array",
                _ => "an object",
            };
            return $"field {field} has the wrong type: expected {expected}";
        }

        return $"the body does not fit the contract at {(field.Length == 0 ? "the top level" : field)}: {Shorten(ex.Message)}";
    }

    /// <summary>Reasons travel in the MT-Fault-Message header: kept well under RabbitMQ's header limit.</summary>
    private static InvalidBridgeMessageException Invalid(string reason) =>
        new(reason.Length <= 2000 ? reason : string.Concat(reason.AsSpan(0, 2000), "…"));

    private static string Quote(string? s) => Echo.Cut(s);

    private static string Shorten(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? message[..cut] : message;
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    [GeneratedRegex("missing required properties(?: including)?: (.+?)\\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("could not be converted to ([^.\\s]+(?:\\.[^.\\s]+)*)")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex("'([A-Za-z0-9_]+)' on type")]
    private static partial Regex NullField();
}
