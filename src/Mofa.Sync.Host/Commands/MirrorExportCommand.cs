using System.ComponentModel;
using Mofa.Sync.Mirror;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync mirror export --json`: the whole mirror as one JSON object.</summary>
public sealed class MirrorExportCommand : AsyncCommand<MirrorExportCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("JSON output (the only format; accepted for scripts that say so)")]
        public bool Json { get; set; }

        [CommandOption("--include-tombstones")]
        [Description("Also list deleted courses and modules, flagged \"deleted\": true")]
        public bool IncludeTombstones { get; set; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Write to a file instead of standard output")]
        public string? Output { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        await using var store = await CommonSettings.OpenExistingStoreAsync(settings, cancellationToken);
        var json = (await MirrorExport.ReadAsync(store, options.IncludeTombstones, cancellationToken)).ToJson();
        if (options.Output is null) Console.WriteLine(json);
        else await File.WriteAllTextAsync(options.Output, json + "\n", cancellationToken);
        return 0;
    }
}
