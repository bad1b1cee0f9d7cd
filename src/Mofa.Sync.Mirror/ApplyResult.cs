namespace Mofa.Sync.Mirror;

/// <summary>What applying one event did to the mirror.</summary>
public sealed record ApplyResult(ApplyOutcome Outcome, string? Detail = null, ContentChange? Change = null)
{
    public static readonly ApplyResult Stale = new(ApplyOutcome.Stale);

    public static ApplyResult Ignored(string why) => new(ApplyOutcome.Ignored, why);

    public static ApplyResult From(WriteOutcome w, ContentChange? change = null) => w switch
    {
        WriteOutcome.Applied => new(ApplyOutcome.Applied, null, change),
        WriteOutcome.AlreadyApplied => new(ApplyOutcome.AlreadyApplied, null, change),
        _ => Stale,
    };
}

public enum ApplyOutcome
{
    Applied,
    AlreadyApplied,
    Stale,
    Ignored,
}

/// <summary>A change of a course's content that its teachers are told about.</summary>
public sealed record ContentChange(
    string Site,
    long CourseId,
    ContentChangeKind Kind,
    long CmId,
    string ModuleKind,
    string? ItemName,
    string? ItemUrl,
    string EventId,
    long TimeCreated);

public enum ContentChangeKind
{
    Created,
    Updated,
    Deleted,
}
