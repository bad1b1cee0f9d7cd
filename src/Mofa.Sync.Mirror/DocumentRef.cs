namespace Mofa.Sync.Mirror;

/// <summary>The address of one mirror document.</summary>
public readonly record struct DocumentRef(MirrorCollection Collection, string Key);

/// <summary>A selection of documents by parent: all of a course's, or all of a user's.</summary>
public readonly record struct ChildSelector(MirrorCollection Collection, string Site, long? CourseId = null, long? UserId = null);
