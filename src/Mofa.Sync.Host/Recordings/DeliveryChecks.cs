using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Moodle;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Recordings;

/// <summary>
/// The settings the agents check a delivery against, as the running service holds them: the
/// message limits (RabbitMq:MaxBodyBytes), the time bound (Sync:MaxClockSkew) and the configured
/// Moodle sites, and what of a site is course content (Sync:ExcludedModules, the front page).
/// `mofa-sync validate` checks each line with the same.
/// </summary>
public sealed record DeliveryChecks(MessageLimits Limits, ValidationSettings Validation, MoodleSites Sites)
{
    public CourseContentScope Scope { get; init; } = new SyncOptions().ContentScope();

    /// <summary>The defaults: no site configured, default limits and time bound.</summary>
    public static DeliveryChecks Default { get; } = new(
        new MessageLimits(MessageLimits.DefaultMaxBodyBytes, MessageLimits.DefaultMaxHeaderBytes), ValidationSettings.Default, MoodleSites.None);

    public static DeliveryChecks From(MofaSyncSettings settings) => new(
        new MessageLimits(settings.RabbitMq.MaxBodyBytes, settings.RabbitMq.MaxHeaderBytes),
        new ValidationSettings(settings.Sync.MaxClockSkew),
        new MoodleSites(settings.Moodle)) { Scope = settings.Sync.ContentScope() };

    /// <summary>Null when the agent would read the body; else why not. A line goes as `publish` sends it: application/json, no headers.</summary>
    public string? RefuseBeforeReading(int bodyBytes) => Limits.Check(bodyBytes, null, BridgeExchange.ContentType, null);
}
