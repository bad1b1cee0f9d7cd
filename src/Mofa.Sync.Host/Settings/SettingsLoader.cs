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
        var beside = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var builder = new ConfigurationBuilder();
        if (File.Exists(beside)) builder.AddJsonFile(CheckedJson(beside), optional: false);
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new SettingsException($"--config: the file '{Path.GetFullPath(configFile)}' does not exist");
            builder.AddJsonFile(CheckedJson(Path.GetFullPath(configFile)), optional: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        var pairs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in overrides ?? [])
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new SettingsException($"--setting '{o}' must look like Section:Key=Value, e.g. --setting Store:Sqlite:Path=./data/mirror.db");
            pairs[o[..eq].Trim()] = o[(eq + 1)..];
        }

        try
        {
            return builder.AddInMemoryCollection(pairs).Build();
        }
        catch (FormatException ex)
        {
            // The JSON provider's own checks beyond the syntax, e.g. "A duplicate key 'Port' was found".
            throw new SettingsException($"a settings file cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// The file's path, once its JSON reads as the configuration reads it (comments and trailing
    /// commas allowed); a broken one stops start-up naming the file and the line.
    /// </summary>
    private static string CheckedJson(string path)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path),
                new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new SettingsException($"the settings file {path} must hold one JSON object ({{ \"RabbitMq\": {{ … }} }}), not a {document.RootElement.ValueKind}");
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new SettingsException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the settings file {path} is not valid JSON at line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}"));
        }
        catch (IOException ex)
        {
            throw new SettingsException($"the settings file {path} cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new SettingsException($"the settings file {path} cannot be read: permission denied");
        }

        return path;
    }

    /// <summary>The environment variable that sets a setting: Store:Sqlite:Path → MOFASYNC__STORE__SQLITE__PATH.</summary>
    public static string EnvironmentVariableOf(string key) => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>A setting is missing or wrong; the message names it and never shows a secret's value.</summary>
public sealed class SettingsException(string message) : Exception(message);
