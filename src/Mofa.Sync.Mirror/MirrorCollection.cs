namespace Mofa.Sync.Mirror;

/// <summary>The collections of the mirror (a table in SQLite, a collection in MongoDB).</summary>
public enum MirrorCollection
{
    Courses,
    Modules,
    Users,
    TeacherRoles,
    Quizzes,
}

public static class MirrorCollectionNames
{
    public static readonly IReadOnlyList<MirrorCollection> All = Enum.GetValues<MirrorCollection>();

    /// <summary>The name shared by both stores: "courses", "modules", "users", "teacherRoles", "quizzes".</summary>
    public static string NameOf(MirrorCollection c) => c switch
    {
        MirrorCollection.Courses => "courses",
        MirrorCollection.Modules => "modules",
        MirrorCollection.Users => "users",
        MirrorCollection.TeacherRoles => "teacherRoles",
        MirrorCollection.Quizzes => "quizzes",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
    };
}
