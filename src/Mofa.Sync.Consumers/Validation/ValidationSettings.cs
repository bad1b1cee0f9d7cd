using System.Globalization;
using FluentValidation;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// The settings the contract's rules depend on, handed to the validators with each message
/// (FluentValidation's root context data), so one set of validators serves every configuration.
/// </summary>
public sealed record ValidationSettings(TimeSpan MaxClockSkew)
{
    /// <summary>How far ahead of the service's clock timeCreated may be by default: clocks kept by NTP differ by far less.</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromMinutes(5);

    public static readonly ValidationSettings Default = new(DefaultMaxClockSkew);

    private const string Key = nameof(ValidationSettings);

    public string MaxClockSkewText => MaxClockSkew.ToString("c", CultureInfo.InvariantCulture);

    public void AddTo(IValidationContext context) => context.RootContextData[Key] = this;

    public static ValidationSettings Of(IValidationContext context) =>
        context.RootContextData.TryGetValue(Key, out var rules) && rules is ValidationSettings r ? r : Default;
}
