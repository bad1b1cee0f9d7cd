using System.Globalization;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// Before binding: every key under the service's sections must be one it reads (a typo such as
/// Store:Sqlite:Paht would otherwise be ignored and the default used), and every value must have
/// its type's form. Durations take the operators' short form (30s, 5m, 2h, 7d) as well as
/// 00:00:30, the same parser as `dlq purge --older-than`.
/// </summary>
public static class SettingForms
{
    /// <summary>Checks the configuration; returns the durations rewritten in the form the binder reads (key → value).</summary>
    public static Dictionary<string, string?> Check(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var provider in SettingSources.Providers(configuration))
        {
            foreach (var key in SettingSources.KeysOf(provider))
            {
                if (SettingsSchema.Find(key) is not null || IsFree(key) || SettingsSchema.IsOthers(key)) continue;
                if (!SettingsSchema.IsSection(key)) problems.Add(Unknown(key, provider));
                else if (provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
                {
                    // MOFASYNC__SYNC__TEACHERROLES=editingteacher would otherwise be dropped without a word.
                    problems.Add($"{key} holds settings, not one value (from {SettingSources.Describe(provider, key)}): set its keys, like {SettingsSchema.FirstUnder(key)}");
                }
            }
        }

        var defaults = SettingsSchema.Values(new MofaSyncSettings()).ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        var rewritten = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null || SettingsSchema.Find(key) is not { } entry) continue;
            var type = Nullable.GetUnderlyingType(entry.Type) ?? entry.Type;
            if (value.Length == 0 && (type != entry.Type || type == typeof(string))) continue;
            var expected = Expected(entry.Key, type, value, out var normal);
            if (expected is not null)
            {
                var example = type != typeof(TimeSpan) && !type.IsEnum && defaults.TryGetValue(key, out var d) && d is not null ? $", like {Show(d)}" : "";
                problems.Add($"{Name(key)} must be {expected}{example} (got '{Cut(value)}', from {SettingSources.Describe(configuration, key)})");
            }
            else if (normal is not null)
            {
                rewritten[key] = normal;
            }
        }

        if (problems.Count > 0) throw new SettingsException("invalid settings:\n  " + string.Join("\n  ", problems));
        return rewritten;
    }

    /// <summary>What a value of the type must look like, or null when it does; a duration's normal form in <paramref name="normal"/>.</summary>
    private static string? Expected(string schemaKey, Type type, string value, out string? normal)
    {
        normal = null;
        var v = value.Trim();
        if (schemaKey == "Logging:Format")
        {
            return SettingsSchema.LoggingFormats.Contains(v, StringComparer.OrdinalIgnoreCase) ? null : $"one of {string.Join(", ", SettingsSchema.LoggingFormats)}";
        }

        if (type == typeof(TimeSpan))
        {
            if (!Durations.TryParse(v, out var duration)) return "a duration such as 30s, 5m, 2h, 7d or 00:00:30";
            normal = duration.ToString("c", CultureInfo.InvariantCulture);
            return null;
        }

        if (type.IsEnum) return Enum.GetNames(type).Contains(v, StringComparer.OrdinalIgnoreCase) ? null : $"one of {string.Join(", ", Enum.GetNames(type))}";
        if (type == typeof(bool)) return bool.TryParse(v, out _) ? null : "true or false";
        if (type == typeof(int)) return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number";
        if (type == typeof(long)) return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number";
        if (type == typeof(double))
        {
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? null : "a number (with a . for decimals)";
        }

        return null;
    }

    /// <summary>Keys the service passes on without reading them itself: Logging's provider sections (Logging:Console:…).</summary>
    private static bool IsFree(string key) =>
        key.StartsWith("Logging:Console:", StringComparison.OrdinalIgnoreCase);

    private static string Unknown(string key, IConfigurationProvider provider)
    {
        var closest = SettingsSchema.Closest(key);
        var source = SettingSources.Describe(provider, key);
        if (provider is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider)
        {
            var envName = SettingsLoader.EnvironmentVariableOf(key);
            return closest is null
                ? $"{envName} is not a setting of mofa-sync (environment)"
                : $"{envName} is not a setting of mofa-sync (environment): did you mean {SettingsLoader.EnvironmentVariableOf(closest)} ({closest})?";
        }

        return closest is null
            ? $"{key} is not a setting of mofa-sync (from {source}); the sections are {string.Join(", ", SettingsSchema.Sections)}"
            : $"{key} is not a setting of mofa-sync (from {source}): did you mean {closest}?";
    }

    private static string Name(string key) => $"{key} (environment variable {SettingsLoader.EnvironmentVariableOf(key)})";

    private static string Show(object value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "";

    private static string Cut(string value) => PlainText.Escape(value.Length <= 40 ? value : value[..40] + "…");
}
