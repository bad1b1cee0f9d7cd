using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror.Reconciling;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>Options every command takes: where settings come from.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("-c|--config <FILE>")]
    [Description("A JSON settings file, read after appsettings.json")]
    public string? ConfigFile { get; set; }

    [CommandOption("-s|--setting <KEY=VALUE>")]
    [Description("Overrides one setting, e.g. --setting Store:Sqlite:Path=./data/mirror.db (repeatable)")]
    public string[] Overrides { get; set; } = [];

    public IConfigurationRoot LoadConfiguration() => SettingsLoader.Load(ConfigFile, Overrides);

    public (IConfigurationRoot Configuration, MofaSyncSettings Settings) Load()
    {
        var configuration = LoadConfiguration();
        return (configuration, MofaSyncSettings.Bind(configuration));
    }

    /// <summary>Loggers for the commands that do not run the service: warnings and up, on stderr.</summary>
    public static ILoggerFactory QuietLoggers() => LoggerFactory.Create(b =>
        b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true).AddFilter((_, level) => level >= LogLevel.Warning));

    /// <summary>The mirror for a command that only reads it: an SQLite file that is not there is an error, never created.</summary>
    internal static Task<Mirror.IMirrorStore> OpenExistingStoreAsync(MofaSyncSettings settings, CancellationToken ct) =>
        StoreFactory.OpenExistingAsync(settings, QuietLoggers(), ct);

    /// <summary>
    /// The rolling reconcile's state for a command that only reads it (`reconcile status`): an SQLite file that is not there
    /// is an error; nothing is created or initialized (a file or database without the state reads as no sites).
    /// </summary>
    internal static Task<IReconcileStateStore> OpenReconcileStateAsync(MofaSyncSettings settings, CancellationToken ct)
    {
        StoreFactory.RequireExisting(settings.Store);
        var stores = new ServiceCollection().AddSingleton(QuietLoggers()).AddSingleton(typeof(ILogger<>), typeof(Logger<>)).AddStore(settings.Store);
        return Task.FromResult(stores.BuildServiceProvider().GetRequiredService<IReconcileStateStore>());
    }

    internal static Task<Mirror.IMirrorStore> OpenStoreAsync(MofaSyncSettings settings, CancellationToken ct) =>
        StoreFactory.OpenAsync(settings, QuietLoggers(), ct);
}
