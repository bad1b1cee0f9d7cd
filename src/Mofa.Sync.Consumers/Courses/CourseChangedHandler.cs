using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Courses;

/// <summary>A course created or updated: its apply rule upserts the course.</summary>
public sealed class CourseChangedHandler(MirrorApplier mirror) : IBridgeEventHandler<CourseChanged>
{
    public Task<ApplyResult> HandleAsync(CourseChanged message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
