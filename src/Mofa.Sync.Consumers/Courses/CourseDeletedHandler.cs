using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Courses;

/// <summary>A course deleted: its apply rule tombstones it and its modules, teachers and quizzes.</summary>
public sealed class CourseDeletedHandler(MirrorApplier mirror) : IBridgeEventHandler<CourseDeleted>
{
    public Task<ApplyResult> HandleAsync(CourseDeleted message, CancellationToken ct) => mirror.ApplyAsync(message, ct);
}
