using System.Text.RegularExpressions;
using FluentValidation;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts;

namespace Mofa.Sync.Consumers.Modules;

/// <summary>The module agent's contracts: their routing keys, validators (below) and apply rules.</summary>
public static class ModuleRoutes
{
    public static IEnumerable<BridgeRoute> Declare() =>
    [
        new BridgeRoute<CourseModuleChanged>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleCreated, BridgeRoutingKeys.CourseModuleUpdated],
            new CourseModuleChangedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module (activity or resource) was created or updated: the mirror upserts it. moduleName is Moodle's modname; assign, quiz and choice are kinds of their own, any other modname is kept as a resource of that type. A module listed in Sync:ExcludedModules (default qbank: not course content) or of course 1 (the front page) is acknowledged and ignored."),
        new BridgeRoute<CourseModuleDeleted>(SyncAgent.Module,
            [BridgeRoutingKeys.CourseModuleDeleted],
            new CourseModuleDeletedValidator(),
            (mirror, e, ct) => mirror.ApplyAsync(e, ct),
            "A course module was deleted: the mirror deletes it (a quiz takes its questions along)."),
    ];
}

public sealed class CourseModuleChangedValidator : MoodleEventValidator<CourseModuleChanged>
{
    public CourseModuleChangedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.CmId);
        Id(e => e.InstanceId);
        ModuleNameRules.Apply(RuleFor(e => e.ModuleName));
        Text(e => e.Name, 1333);
        RuleFor(e => e.Url).Must(BeHttpUrl!).When(e => e.Url is not null)
            .WithMessage(e => $"url must be an absolute http(s) address (got '{Echo.Cut(e.Url)}')")
            .MaximumCharacters(1333);
        RuleFor(e => e.Url).Must(u => !HttpUrl.HasUserInfo(u)).When(e => e.Url is not null)
            .WithMessage(e => $"url must not carry a user name or password before its host: it would lead elsewhere than it reads (got '{Echo.Cut(e.Url)}')");
        RuleFor(e => e.Url).MustBePlainText();
    }
}

public sealed class CourseModuleDeletedValidator : MoodleEventValidator<CourseModuleDeleted>
{
    public CourseModuleDeletedValidator()
    {
        Id(e => e.CourseId);
        Id(e => e.CmId);
        Id(e => e.InstanceId);
        ModuleNameRules.Apply(RuleFor(e => e.ModuleName));
    }
}

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
