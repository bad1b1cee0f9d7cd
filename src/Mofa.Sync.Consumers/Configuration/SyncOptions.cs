using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Configuration;

/// <summary>Section Sync (environment: MOFASYNC__SYNC__…).</summary>
public sealed class SyncOptions
{
    /// <summary>Moodle role shortnames that make a user a teacher the mirror keeps.</summary>
    public List<string> TeacherRoles { get; set; } = [];

    /// <summary>In-process retries of an event whose store (or Moodle) is unreachable, before it goes to _error.</summary>
    public int RetryLimit { get; set; } = 5;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How far ahead of this service's clock an event's timeCreated may be. An event dated later is
    /// rejected: accepted, it would make every real event about its document stale until that time.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = Validation.ValidationSettings.DefaultMaxClockSkew;

    /// <summary>The largest Sync:MaxClockSkew start-up accepts.</summary>
    public static readonly TimeSpan MaxClockSkewLimit = TimeSpan.FromDays(1);

    /// <summary>
    /// Moodle module names that are not course content: the agents ignore their events and the
    /// reconcile leaves them out (Mirror/CourseContentScope.cs). Empty means the default list.
    /// </summary>
    public List<string> ExcludedModules { get; set; } = [];

    public static readonly string[] DefaultExcludedModules = ["qbank"];

    public static readonly string[] DefaultTeacherRoles = ["editingteacher", "manager"];

    /// <summary>What of a site the mirror keeps: course content, without the modules of <see cref="ExcludedModules"/>.</summary>
    public CourseContentScope ContentScope() =>
        new(ExcludedModules.Count > 0 ? ExcludedModules : DefaultExcludedModules);

    /// <summary>The problem with a Sync:ExcludedModules entry, or null: each must be a Moodle module name.</summary>
    public string? ExcludedModulesProblem() =>
        ExcludedModules.FirstOrDefault(m => !Modules.ModuleNameRules.IsModuleName(m)) is { } bad
            ? $"must hold Moodle module names like 'qbank' (lower-case letters, digits, '_'; got '{Echo.Cut(bad)}')"
            : null;

    public ISet<string> TeacherRoleSet() =>
        new HashSet<string>(TeacherRoles.Count > 0 ? TeacherRoles : DefaultTeacherRoles, StringComparer.Ordinal);
}
