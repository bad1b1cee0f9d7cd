using System.Text.RegularExpressions;
using FluentValidation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Modules;

/// <summary>Moodle's modname: a plugin name, lower-case letters, digits and underscores.</summary>
internal static partial class ModuleNameRules
{
    public static void Apply<T>(IRuleBuilderInitial<T, string> rule) =>
        rule.NotEmpty().WithMessage("moduleName must not be empty")
            .Matches(ModuleName()).WithMessage((_, value) => $"moduleName must be a Moodle module name like 'assign' or 'quiz' (got '{Echo.Cut(value)}')");

    public static bool IsModuleName(string value) => ModuleName().IsMatch(value);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,27}\\z")]
    private static partial Regex ModuleName();
}
