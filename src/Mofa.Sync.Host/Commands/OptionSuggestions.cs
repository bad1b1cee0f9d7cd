using System.Text.RegularExpressions;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// Names the option a mistyped one was meant to be. The parser is strict, so an unknown option
/// stops the command before it is validated or run; the parser's message ("Unknown option
/// 'older'") does not say which option exists, so the command model is read back through the
/// help provider (the one public view of it) and the nearest option of that command is named.
/// </summary>
public sealed partial class OptionSuggestions(ICommandAppSettings settings) : IHelpProvider, ICommandInterceptor
{
    private readonly HelpProvider _help = new(settings);
    private ICommandModel? _model;
    private bool _capturing;

    /// <summary>Strict parsing, and the help provider that lets <see cref="ExplainAsync"/> see the commands.</summary>
    public static OptionSuggestions Install(IConfigurator config)
    {
        config.Settings.StrictParsing = true;
        var suggestions = new OptionSuggestions(config.Settings);
        config.SetHelpProvider(suggestions);
        config.SetInterceptor(suggestions);
        Installed = suggestions;
        return suggestions;
    }

    /// <summary>The instance of this process's command line, if it has one.</summary>
    public static OptionSuggestions? Installed { get; private set; }

    public IEnumerable<IRenderable> Write(ICommandModel model, ICommandInfo? command)
    {
        _model = model;
        return _capturing ? [] : _help.Write(model, command);
    }

    /// <summary>Strict parsing still passes what follows `--` to the command: no command takes anything there.</summary>
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (context.Remaining.Raw.Count > 0)
        {
            throw new SettingsException($"`{context.Name}` takes nothing after --: '{PlainText.Escape(context.Remaining.Raw[0])}'");
        }
    }

    /// <summary>One line for a parse error: for an unknown option, which command lacks it and the option meant.</summary>
    public async Task<string?> ExplainAsync(ICommandApp app, IReadOnlyList<string> args, CommandParseException error)
    {
        var unknown = UnknownOption().Match(error.Message);
        if (!unknown.Success) return null;
        if (_model is null)
        {
            _capturing = true;
            try
            {
                await app.RunAsync(["--help"]);
            }
            finally
            {
                _capturing = false;
            }
        }

        if (_model is null) return null;
        var typed = (unknown.Groups[1].Value.Length == 1 ? "-" : "--") + unknown.Groups[1].Value;
        var (path, command) = Find(_model, args);
        if (command is null) return null;
        var known = command.Parameters.OfType<ICommandOption>()
            .SelectMany(o => o.LongNames.Select(n => "--" + n).Concat(o.ShortNames.Select(n => "-" + n)))
            .Append("--help").ToList();
        var closest = ClosestName.Of(typed, known);
        return closest is not null
            ? $"`{path}` has no option {typed}: did you mean {closest}? (see `mofa-sync {path} --help`)"
            : $"`{path}` has no option {typed}; its options are {string.Join(", ", known.Where(k => k.StartsWith("--", StringComparison.Ordinal)))}";
    }

    /// <summary>The command the leading words name (`dlq purge`), walking the branches.</summary>
    private static (string Path, ICommandInfo? Command) Find(ICommandModel model, IReadOnlyList<string> args)
    {
        ICommandContainer container = model;
        ICommandInfo? found = null;
        var words = new List<string>();
        foreach (var word in args.TakeWhile(a => !a.StartsWith('-')))
        {
            var next = container.Commands.FirstOrDefault(c => string.Equals(c.Name, word, StringComparison.OrdinalIgnoreCase));
            if (next is null) break;
            found = next;
            words.Add(next.Name);
            container = next;
        }

        // A branch with a default command (`reconcile`, whose `status` is a sub-command) runs that command.
        return (string.Join(' ', words), found is { IsBranch: true } ? found.DefaultCommand : found);
    }

    [GeneratedRegex("^Unknown option '([^']+)'")]
    private static partial Regex UnknownOption();
}
