using Microsoft.Extensions.Configuration;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// Where settings come from, later ones winning: appsettings.json beside the executable, an
/// optional --config file, environment variables MOFASYNC__SECTION__KEY, and --setting Key=Value.
/// </summary>
public static class SettingsLoader
{
    public const string EnvironmentPrefix = "MOFASYNC__";

    public static IConfigurationRoot Load(string? configFile = null, IEnumerable<string>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new SettingsException($"--config: the file '{configFile}' does not exist");
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        var pairs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in overrides ?? [])
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new SettingsException($"--setting '{o}' must look like Section:Key=Value, e.g. --setting Store:Sqlite:Path=./data/mirror.db");
            pairs[o[..eq].Trim()] = o[(eq + 1)..];
        }

        return builder.AddInMemoryCollection(pairs).Build();
    }

    /// <summary>The environment variable that sets a setting: Store:Sqlite:Path → MOFASYNC__STORE__SQLITE__PATH.</summary>
    public static string EnvironmentVariableOf(string key) => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>A setting is missing or wrong; the message names it and never shows a secret's value.</summary>
public sealed class SettingsException(string message) : Exception(message);
