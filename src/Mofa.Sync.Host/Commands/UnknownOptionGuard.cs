using System.Reflection;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// Refuses a command line with an option or argument the command does not know, before the command
/// runs: a typo such as `dlq purge --older 7d --yes` must not purge every message. The parser is
/// left lenient so that the unknown option reaches here, where the command's own options are known
/// and the closest can be named.
/// </summary>
public sealed class UnknownOptionGuard : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        var known = KnownOptions(settings.GetType());
        var command = string.Join(' ', CommandWords(context));
        foreach (var unknown in context.Remaining.Parsed)
        {
            var typed = unknown.Key;
            var closest = ClosestName.Of(typed, known);
            throw new UsageException(closest is not null
                ? $"`{command}` has no option {typed}: did you mean {closest}? (see `mofa-sync {command} --help`)"
                : $"`{command}` has no option {typed}; its options are {string.Join(", ", known.Where(k => k.StartsWith("--", StringComparison.Ordinal)))}");
        }

        if (context.Remaining.Raw.Count > 0)
        {
            throw new UsageException($"`{command}` takes no arguments after --: '{context.Remaining.Raw[0]}' (see `mofa-sync {command} --help`)");
        }
    }

    /// <summary>Every long and short option of a command's settings, as typed: --older-than, -c.</summary>
    public static IReadOnlyList<string> KnownOptions(Type settings) =>
        [.. settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .SelectMany(a => a.LongNames.Select(n => "--" + n).Concat(a.ShortNames.Select(n => "-" + n)))
            .Append("--help")];

    /// <summary>The words that named the command (`dlq purge`): the leading arguments up to the command's name.</summary>
    private static IEnumerable<string> CommandWords(CommandContext context)
    {
        var leading = context.Arguments.TakeWhile(a => !a.StartsWith('-')).ToList();
        var end = leading.IndexOf(context.Name);
        return end < 0 ? [context.Name] : leading.Take(end + 1);
    }
}

/// <summary>The command line is wrong (an unknown option, a bad value): one line and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
