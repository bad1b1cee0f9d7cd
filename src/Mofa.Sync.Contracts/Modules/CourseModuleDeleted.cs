using System.ComponentModel;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Contracts.Modules;

/// <summary>core.course_module_deleted: delete the module (a quiz takes its questions along).</summary>
[Description("A course module was deleted: the mirror deletes it (a quiz takes its questions along).")]
public sealed record CourseModuleDeleted : MoodleEvent
{
    public required long CourseId { get; init; }
    public required long CmId { get; init; }
    public required string ModuleName { get; init; }
    public required long InstanceId { get; init; }
}
