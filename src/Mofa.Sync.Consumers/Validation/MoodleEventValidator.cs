using System.Linq.Expressions;
using FluentValidation;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Consumers.Sites;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// The envelope rules every message shares, and the field rules the per-message validators use.
/// Sizes are Moodle's column sizes, so anything Moodle can hold passes.
/// </summary>
public abstract class MoodleEventValidator<T> : AbstractValidator<T>
    where T : MoodleEvent
{
    /// <summary>Moodle sites older than this did not exist: 2000-01-01.</summary>
    private const long EarliestTimeCreated = 946_684_800;

    protected MoodleEventValidator()
    {
        RuleFor(e => e.SchemaVersion).Equal(BridgeExchange.SchemaVersion)
            .WithMessage($"schemaVersion {{PropertyValue}} is not supported: this service reads schemaVersion {BridgeExchange.SchemaVersion}");
        Text(e => e.EventId, 128);
        RuleFor(e => e.Site).Must(SiteAddress.IsValid).WithMessage(e =>
        {
            SiteAddress.Canonicalize(e.Site, out var why);
            return $"site must be the site's absolute http(s) address, its wwwroot, like https://moodle.example.edu: {why} (got '{Echo.Cut(e.Site)}')";
        });
        Text(e => e.EventName, 255);
        RuleFor(e => e.TimeCreated)
            .Must(t => t >= EarliestTimeCreated && t <= Tomorrow.UnixSeconds())
            .WithMessage("timeCreated must be unix seconds between 2000-01-01 and tomorrow (got {PropertyValue})");
        RuleFor(e => e.Sequence).GreaterThan(0).When(e => e.Sequence is not null)
            .WithMessage("sequence must be positive when present (got {PropertyValue})");
        RuleFor(e => e.ActorId).GreaterThanOrEqualTo(0).WithMessage("actorId must not be negative (got {PropertyValue})");
    }

    /// <summary>A Moodle id: a positive integer.</summary>
    protected void Id(Expression<Func<T, long>> field) =>
        RuleFor(field).GreaterThan(0).WithMessage("{PropertyName} must be a positive Moodle id (got {PropertyValue})");

    /// <summary>A required text field that fits Moodle's column (sizes in code points, see <see cref="MoodleText"/>).</summary>
    protected void Text(Expression<Func<T, string>> field, int maxLength) =>
        RuleFor(field!).NotEmpty().WithMessage("{PropertyName} must not be empty")
            .MaximumCharacters(maxLength);

    /// <summary>A text field Moodle may leave empty (user.firstname, user.email) that fits its column.</summary>
    protected void OptionalText(Expression<Func<T, string>> field, int maxLength) =>
        RuleFor(field!).MaximumCharacters(maxLength);

    protected static bool BeHttpUrl(string? value) => HttpUrl.IsValid(value);
}

/// <summary>
/// Tomorrow in unix seconds, the latest timeCreated accepted. The clock is read at most once a
/// second, not for every message: the bound may lag the clock by up to a second, in a day's margin.
/// </summary>
internal static class Tomorrow
{
    private sealed record Reading(long ValidUntil, long UnixSeconds);

    private static Reading _last = new(long.MinValue, 0);

    public static long UnixSeconds()
    {
        var last = Volatile.Read(ref _last);
        var ticks = Environment.TickCount64;
        if (ticks < last.ValidUntil) return last.UnixSeconds;

        var fresh = new Reading(ticks + 1000, DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds());
        Volatile.Write(ref _last, fresh);
        return fresh.UnixSeconds;
    }
}

/// <summary>Only absolute http(s) addresses: never javascript:, data: or relative links.</summary>
public static class HttpUrl
{
    public static bool IsValid(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);
}

/// <summary>Quotes a bad value back in a reason, cut short: reasons travel in message headers (128 KiB at most).</summary>
public static class Echo
{
    public const int MaxLength = 80;

    public static string Cut(string? value) =>
        value is null ? "null" : value.Length <= MaxLength ? value : string.Concat(value.AsSpan(0, MaxLength), $"… ({value.Length} characters)");
}
