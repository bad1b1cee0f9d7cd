using Microsoft.Extensions.Configuration;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// Where Store:Sqlite:Path points, made absolute from a fixed place rather than the current
/// directory: a relative path in a settings file is relative to that file's folder (so the
/// default in appsettings.json is data/mirror.db beside the executable); one given with --setting
/// or an environment variable is relative to the current directory, as a path typed in a shell is.
/// </summary>
public static class StorePath
{
    public const string Key = "Store:Sqlite:Path";

    public static string Resolve(string path, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path)) return path;
        var folder = SettingSources.ProviderOf(configuration, Key) switch
        {
            null => AppContext.BaseDirectory,
            FileConfigurationProvider => SettingSources.FolderOf(configuration, Key)!,
            _ => Directory.GetCurrentDirectory(),
        };
        return Path.GetFullPath(path, folder);
    }

    /// <summary>
    /// Checked before the service starts: a path that is a folder, or under a file, can never be
    /// the store; said in words that name the file and the setting rather than as an IOException.
    /// </summary>
    public static void CheckUsable(string path)
    {
        if (Obstacle(Path.GetFullPath(path)) is { } why) throw new SettingsException($"the mirror store {Path.GetFullPath(path)} cannot be opened: {why} (set {Setting})");
    }

    /// <summary>Why the SQLite file cannot be opened, in words that name the file and the setting.</summary>
    public static string Explain(string path, Exception ex)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        var why = Obstacle(full)
            ?? (ex is UnauthorizedAccessException || (ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 14 } && folder is not null && Directory.Exists(folder))
                ? "this user may not create or write it (check the folder's owner and permissions)"
            : ex is Microsoft.Data.Sqlite.SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}"
            : ex.Message);
        return $"the mirror store {full} cannot be opened: {why} (set {Setting})";
    }

    private static string? Obstacle(string full) =>
        Directory.Exists(full) ? "it is a folder, not a file"
        : AFileOnTheWay(Path.GetDirectoryName(full)) is { } file ? $"{file} is a file, where a folder is needed"
        : null;

    /// <summary>The nearest part of the folder's path that exists as a file, if any.</summary>
    private static string? AFileOnTheWay(string? folder)
    {
        for (var f = folder; !string.IsNullOrEmpty(f); f = Path.GetDirectoryName(f))
        {
            if (File.Exists(f)) return f;
            if (Directory.Exists(f)) return null;
        }

        return null;
    }

    /// <summary>How a message names the setting: Store:Sqlite:Path (environment variable MOFASYNC__STORE__SQLITE__PATH).</summary>
    public static string Setting => $"{Key} (environment variable {SettingsLoader.EnvironmentVariableOf(Key)})";
}
