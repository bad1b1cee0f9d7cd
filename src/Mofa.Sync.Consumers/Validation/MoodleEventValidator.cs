using System.Linq.Expressions;
using FluentValidation;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// The envelope rules every message shares, and the field rules the per-message validators use.
/// Sizes are Moodle's column sizes, so anything Moodle can hold passes.
/// </summary>
public abstract class MoodleEventValidator<T> : JsonNamedValidator<T>
    where T : MoodleEvent
{
    /// <summary>Moodle sites older than this did not exist: 2000-01-01.</summary>
    private const long EarliestTimeCreated = 946_684_800;

    /// <summary>
    /// The largest sequence accepted: 2^53 - 1, the largest whole number every JSON reader holds
    /// exactly (JavaScript, PHP's floats). A log row id is far below it.
    /// </summary>
    public const long MaxSequence = 9_007_199_254_740_991;

    protected MoodleEventValidator()
    {
        RuleFor(e => e.SchemaVersion).Equal(BridgeExchange.SchemaVersion)
            .WithMessage($"schemaVersion {{PropertyValue}} is not supported: this service reads schemaVersion {BridgeExchange.SchemaVersion}");
        Text(e => e.EventId, 128);
        RuleFor(e => e.Site).MustBeSiteAddress().WithMessage(e =>
        {
            SiteAddress.Canonicalize(e.Site, out var why);
            return $"site must be the site's absolute http(s) address, its wwwroot, like https://moodle.example.edu: {why} (got '{Echo.Cut(e.Site)}')";
        });
        Plain(e => e.Site);
        Text(e => e.EventName, 255);
        // The schema lists each contract's event names (enum), which says more than this rule can.
        RuleFor(e => e.EventName).MustSatisfy("MoodleEventName", n => BridgeRoutingKeys.FromEventName(n) is not null, () => [])
            .When(e => !string.IsNullOrEmpty(e.EventName))
            .WithMessage(e => $"eventName must be Moodle's event name of the form \\component\\event\\name, like \\core\\event\\course_updated (got '{Echo.Cut(e.EventName)}')");
        // The schema says the lower bound; the upper one moves with the clock.
        RuleFor(e => e.TimeCreated).MustSatisfy("TimeCreatedBounds", (context, t) => InTimeBounds(t, context), () => new() { ["minimum"] = EarliestTimeCreated })
            .WithMessage("timeCreated must be unix seconds from 2000-01-01 to at most {MaxClockSkew} ahead of this service's clock (got {PropertyValue}{Ahead}); a later event is rejected so that it cannot make the real events about its document stale (setting Sync:MaxClockSkew)");
        RuleFor(e => e.Sequence).GreaterThan(0).When(e => e.Sequence is not null)
            .WithMessage("sequence must be positive when present (got {PropertyValue})");
        RuleFor(e => e.Sequence).LessThanOrEqualTo(MaxSequence).When(e => e.Sequence is not null)
            .WithMessage($"sequence must be at most {MaxSequence} (2^53 - 1) when present (got {{PropertyValue}})");
        RuleFor(e => e.ActorId).GreaterThanOrEqualTo(0).WithMessage("actorId must not be negative (got {PropertyValue})");
    }

    /// <summary>A Moodle id: a positive integer.</summary>
    protected void Id(Expression<Func<T, long>> field) =>
        RuleFor(field).GreaterThan(0).WithMessage("{PropertyName} must be a positive Moodle id (got {PropertyValue})");

    /// <summary>A required text field that fits Moodle's column (sizes in code points, see <see cref="MoodleText"/>) and holds no control characters.</summary>
    protected void Text(Expression<Func<T, string>> field, int maxLength)
    {
        RuleFor(field!).NotEmpty().WithMessage("{PropertyName} must not be empty")
            .MaximumCharacters(maxLength);
        Plain(field);
    }

    /// <summary>A text field Moodle may leave empty (user.firstname, user.email) that fits its column and holds no control characters.</summary>
    protected void OptionalText(Expression<Func<T, string>> field, int maxLength)
    {
        RuleFor(field!).MaximumCharacters(maxLength);
        Plain(field);
    }

    /// <summary>A text field without control characters or bidirectional overrides (see <see cref="PlainText"/>).</summary>
    protected void Plain<TText>(Expression<Func<T, TText>> field) => RuleFor(field).MustBePlainText();

    private static bool InTimeBounds(long timeCreated, ValidationContext<T> context)
    {
        var rules = ValidationSettings.Of(context);
        var latest = ServiceClock.UnixSeconds() + (long)rules.MaxClockSkew.TotalSeconds;
        context.MessageFormatter.AppendArgument("MaxClockSkew", rules.MaxClockSkewText);
        context.MessageFormatter.AppendArgument("Ahead", timeCreated > latest ? $", {Ahead(timeCreated - ServiceClock.UnixSeconds())}" : string.Empty);
        return timeCreated >= EarliestTimeCreated && timeCreated <= latest;
    }

    private static string Ahead(long seconds) =>
        seconds > 3650L * 86400 ? "more than ten years ahead" : $"{DurationWords.Of(TimeSpan.FromSeconds(seconds))} ahead";
}
