using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Modules;

/// <summary>core.course_module_created and core.course_module_updated: upsert the module.</summary>
[Description("A course module (activity or resource) was created or updated: the mirror upserts it. moduleName is Moodle's modname; assign, quiz and choice are kinds of their own, any other modname is kept as a resource of that type. A module listed in Sync:ExcludedModules (default qbank: not course content) or of course 1 (the front page) is acknowledged and ignored.")]
public sealed record CourseModuleChanged : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long CmId { get; init; }

    /// <summary>Moodle's modname: assign, quiz, choice, or any other (kept as a resource type).</summary>
    public required string ModuleName { get; init; }

    public required long InstanceId { get; init; }
    public required string Name { get; init; }

    /// <summary>Optional link; defaults to {site}/mod/{moduleName}/view.php?id={cmId}.</summary>
    public string? Url { get; init; }
}
