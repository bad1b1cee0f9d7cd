using System.Text;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Host.Recordings;

/// <summary>What the service would do with one line of a .jsonl file of bridge messages.</summary>
public enum LineOutcome
{
    /// <summary>Applied by the service (or recognised as already applied).</summary>
    Valid,

    /// <summary>Acknowledged and ignored: a kind the sync does not handle.</summary>
    Ignored,

    /// <summary>Sent to the agent's error queue (or refused by `mofa-sync publish`), with a reason.</summary>
    Invalid,
}

/// <summary>One line's verdict: its number (1-based), the routing key it would travel with, and why.</summary>
public sealed record LineVerdict(int Line, string? RoutingKey, string? EventId, LineOutcome Outcome, string? Reason);

/// <summary>A body's verdict, with the event the parser read from it (null when invalid).</summary>
public sealed record BodyVerdict(LineVerdict Verdict, Mofa.Sync.Contracts.Envelope.MoodleEvent? Event);

/// <summary>
/// `mofa-sync validate`: each line of a recording through exactly what the service does with a
/// delivery (<see cref="BridgeMessageParser"/>, with its validators), with the routing key that
/// `mofa-sync publish` would give it (<see cref="BridgeLine.FromJsonLine"/>), and the service's
/// settings (<see cref="DeliveryChecks"/>: the body limit, the time bound, the configured Moodle
/// sites). No broker, no store.
/// </summary>
public static class BridgeFileValidator
{
    /// <summary>The verdict of every non-blank line (blank lines are skipped, as publish skips them, but keep their number).</summary>
    public static IEnumerable<LineVerdict> Check(IEnumerable<string> lines, string? fixedRoutingKey, DeliveryChecks? checks = null)
    {
        var number = 0;
        foreach (var text in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return CheckLine(text, number, fixedRoutingKey, checks);
        }
    }

    public static LineVerdict CheckLine(string text, int number, string? fixedRoutingKey, DeliveryChecks? checks = null)
    {
        checks ??= DeliveryChecks.Default;
        BridgeLine line;
        try
        {
            line = BridgeLine.FromJsonLine(text, fixedRoutingKey, number);
        }
        catch (FormatException ex)
        {
            return new LineVerdict(number, null, null, LineOutcome.Invalid, WhyPublishRefuses(text, ex, checks));
        }

        return CheckBody(line.RoutingKey, line.Body, line.MessageId, checks, number).Verdict;
    }

    /// <summary>
    /// What the service would do with this body delivered under <paramref name="routingKey"/>: the
    /// size check, then the parser with its validators and the course-content scope. The verdict's
    /// event id is <paramref name="messageId"/> (what the delivery carries), the parsed event's own is in <see cref="BodyVerdict.Event"/>.
    /// </summary>
    public static BodyVerdict CheckBody(string routingKey, ReadOnlyMemory<byte> body, string? messageId, DeliveryChecks checks, int number = 1)
    {
        if (checks.RefuseBeforeReading(body.Length) is { } refused)
        {
            return new BodyVerdict(new LineVerdict(number, routingKey, messageId, LineOutcome.Invalid, refused), null);
        }

        try
        {
            var parsed = BridgeAgents.Parser.Parse(routingKey, body, checks.Validation, checks.Sites);
            var ignored = parsed.Event is null ? parsed.IgnoredBecause : checks.Scope.Excludes(parsed.Event);
            return parsed.Event is null || ignored is not null
                ? new BodyVerdict(new LineVerdict(number, routingKey, messageId, LineOutcome.Ignored, ignored), parsed.Event)
                : new BodyVerdict(new LineVerdict(number, routingKey, messageId, LineOutcome.Valid, null), parsed.Event);
        }
        catch (InvalidBridgeMessageException ex)
        {
            return new BodyVerdict(new LineVerdict(number, routingKey, messageId, LineOutcome.Invalid, ex.Message), null);
        }
    }

    /// <summary>A routing key no route has: the parser checks the body itself (empty, not JSON, not an object) before the kind.</summary>
    private const string NoRoute = "mofa-sync.validate";

    /// <summary>
    /// A line publish cannot send without --routing-key. When the service would reject its body on
    /// any routing key (not JSON, empty, not an object), its own reason says why; otherwise publish's does.
    /// </summary>
    private static string WhyPublishRefuses(string text, FormatException refused, DeliveryChecks checks)
    {
        var body = Encoding.UTF8.GetBytes(text);
        if (checks.RefuseBeforeReading(body.Length) is { } tooLarge) return tooLarge;
        try
        {
            BridgeAgents.Parser.Parse(NoRoute, body, checks.Validation);
        }
        catch (InvalidBridgeMessageException ex)
        {
            return ex.Message;
        }

        var message = refused.Message;
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return message.StartsWith("line ", StringComparison.Ordinal) && colon > 0 ? message[(colon + 2)..] : message;
    }
}
