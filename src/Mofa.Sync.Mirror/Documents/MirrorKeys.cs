using System.Globalization;

namespace Mofa.Sync.Mirror.Documents;

/// <summary>Document keys: everything is keyed by (site, Moodle id).</summary>
public static class MirrorKeys
{
    public static DocumentRef Course(string site, long courseId) => new(MirrorCollection.Courses, Join(site, courseId));
    public static DocumentRef Module(string site, long cmId) => new(MirrorCollection.Modules, Join(site, cmId));
    public static DocumentRef User(string site, long userId) => new(MirrorCollection.Users, Join(site, userId));
    public static DocumentRef Quiz(string site, long quizId) => new(MirrorCollection.Quizzes, Join(site, quizId));

    public static DocumentRef TeacherRole(string site, long courseId, long userId, string role) =>
        new(MirrorCollection.TeacherRoles, string.Create(CultureInfo.InvariantCulture, $"{site}|{courseId}|{userId}|{role}"));

    private static string Join(string site, long id) => string.Create(CultureInfo.InvariantCulture, $"{site}|{id}");
}
