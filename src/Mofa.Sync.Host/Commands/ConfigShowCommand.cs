using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Host.Settings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync config show`: the settings in force, each with where its value came from (default,
/// file, environment, option), secrets masked, after the same checks as start-up.
/// </summary>
public sealed class ConfigShowCommand : Command<ConfigShowCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("Print the settings as JSON: a list of {key, value, source}")]
        public bool Json { get; set; }
    }

    /// <summary>What a secret that is set shows instead of its value.</summary>
    public const string Masked = "(set, hidden)";

    public sealed record Row(string Key, string Value, string Source);

    public override int Execute(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var configuration = options.LoadConfiguration();
        var rows = Rows(configuration, MofaSyncSettings.Bind(configuration));
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            return 0;
        }

        var table = new Table().AddColumns("setting", "value", "source");
        foreach (var row in rows) table.AddRow(Markup.Escape(row.Key), Markup.Escape(row.Value), Markup.Escape(row.Source));
        AnsiConsole.Write(table);
        return 0;
    }

    public static IReadOnlyList<Row> Rows(IConfiguration configuration, MofaSyncSettings settings)
    {
        var rows = SettingsSchema.Values(settings)
            .Select(v => new Row(v.Key, Shown(v.Value, v.Entry.Secret, v.Key), SettingSources.Describe(configuration, v.Key)))
            .ToList();
        rows.AddRange(configuration.GetSection("Logging").AsEnumerable()
            .Where(p => p.Value is not null)
            .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .Select(p => new Row(p.Key, PlainText.Escape(p.Value!), SettingSources.Describe(configuration, p.Key))));
        return rows;
    }

    /// <summary>A value as text: secrets masked; a site address without the user and password it may carry.</summary>
    private static string Shown(object? value, bool secret, string key)
    {
        var text = value switch
        {
            null => "",
            TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (secret) return text.Length == 0 ? "" : Masked;
        if (key.EndsWith(":Url", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            text = text.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal);
        }

        return PlainText.Escape(text);
    }
}
