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

    /// <summary>
    /// The collections whose documents belong to one course, which a course's delete takes along: every
    /// collection but the courses and the users (a user belongs to the site). A new collection is a course's
    /// unless it is added here, so a course delete cannot forget it.
    /// </summary>
    public static readonly IReadOnlyList<MirrorCollection> OfACourse =
        All.Where(c => c is not MirrorCollection.Courses and not MirrorCollection.Users).ToList();

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
