using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.FileProviders;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// Where a setting's value came from (a settings file, an environment variable, --setting, or
/// the default in the code), read from the configuration's own providers, later ones winning.
/// </summary>
public static class SettingSources
{
    public const string Default = "default";

    /// <summary>The provider whose value of the key is in force, or null when it is the code's default.</summary>
    public static IConfigurationProvider? ProviderOf(IConfiguration configuration, string key) =>
        Providers(configuration).LastOrDefault(p => p.TryGet(key, out _));

    /// <summary>"default", "file /etc/mofa-sync/site.json", "environment MOFASYNC__RABBITMQ__HOST" or "option --setting".</summary>
    public static string Describe(IConfiguration configuration, string key) => Describe(ProviderOf(configuration, key), key);

    public static string Describe(IConfigurationProvider? provider, string key) => provider switch
    {
        null => Default,
        FileConfigurationProvider file => $"file {FileOf(file)}",
        EnvironmentVariablesConfigurationProvider => $"environment {SettingsLoader.EnvironmentVariableOf(key)}",
        _ => "option --setting",
    };

    /// <summary>The folder of the settings file that gave the key its value; null when no file did.</summary>
    public static string? FolderOf(IConfiguration configuration, string key) =>
        ProviderOf(configuration, key) is FileConfigurationProvider file ? Path.GetDirectoryName(FileOf(file)) : null;

    /// <summary>Every key a provider holds a value for (the leaves), as the provider spells them.</summary>
    public static IEnumerable<string> KeysOf(IConfigurationProvider provider, string? parent = null)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : ConfigurationPath.Combine(parent, child);
            var below = KeysOf(provider, key).ToList();
            if (below.Count == 0 || (provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))) yield return key;
            foreach (var k in below) yield return k;
        }
    }

    /// <summary>The configuration's providers, in the order they were added (the ones added by AddConfiguration opened up).</summary>
    public static IEnumerable<IConfigurationProvider> Providers(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? root.Providers.SelectMany(p => p is ChainedConfigurationProvider chained ? Providers(chained.Configuration) : [p])
            : [];

    private static string FileOf(FileConfigurationProvider file) =>
        file.Source.FileProvider is PhysicalFileProvider physical && file.Source.Path is { } path
            ? Path.GetFullPath(Path.Combine(physical.Root, path))
            : file.Source.Path ?? "(a settings file)";
}
