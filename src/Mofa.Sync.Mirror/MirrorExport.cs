using System.Text.Json;
using System.Text.Json.Serialization;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror;

/// <summary>
/// The mirror as other Mofa services see it (`mofa-sync mirror export --json`): placeholders
/// flagged, tombstones left out unless asked for, users only while a live teacher role backs
/// them. Sorted, so two exports of the same mirror are byte-identical.
/// </summary>
public sealed record MirrorExport(
    IReadOnlyList<MirrorExport.Course> Courses,
    IReadOnlyList<MirrorExport.Module> Modules,
    IReadOnlyList<MirrorExport.User> Users,
    IReadOnlyList<MirrorExport.QuizQuestion> QuizQuestions)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public sealed record Course(string Site, long CourseId, string? FullName, string? ShortName, bool Placeholder, bool? Deleted = null);

    public sealed record Module(string Site, long CourseId, long CmId, string? Kind, string? ResourceType, long? InstanceId, string? Name, string? Url, bool? Deleted = null);

    public sealed record User(string Site, long UserId, string Username, string Email, string FirstName, string LastName, IReadOnlyList<TeacherRole> Roles);

    public sealed record TeacherRole(long CourseId, string Role);

    public sealed record QuizQuestion(string Site, long CourseId, long QuizId, long QuestionId, string Name);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static async Task<MirrorExport> ReadAsync(IMirrorStore store, bool includeTombstones, CancellationToken ct)
    {
        var courses = await store.ReadAllAsync(MirrorCollection.Courses, ct);
        var modules = await store.ReadAllAsync(MirrorCollection.Modules, ct);
        var users = await store.ReadAllAsync(MirrorCollection.Users, ct);
        var roles = await store.ReadAllAsync(MirrorCollection.TeacherRoles, ct);
        var quizzes = await store.ReadAllAsync(MirrorCollection.Quizzes, ct);

        var liveRoles = roles.Where(r => !r.Deleted && r.Data is not null)
            .Select(r => (r.Site, Data: MirrorData.As<TeacherRoleData>(r)!))
            .ToLookup(r => (r.Site, r.Data.UserId), r => new TeacherRole(r.Data.CourseId, r.Data.Role));

        return new MirrorExport(
            courses.Where(d => includeTombstones || !d.Deleted).Select(ToCourse)
                .OrderBy(c => c.Site, StringComparer.Ordinal).ThenBy(c => c.CourseId).ToList(),
            modules.Where(d => includeTombstones || !d.Deleted).Select(ToModule)
                .OrderBy(m => m.Site, StringComparer.Ordinal).ThenBy(m => m.CmId).ToList(),
            users.Where(d => !d.Deleted && d.Data is not null && liveRoles.Contains((d.Site, d.UserId ?? 0)))
                .Select(d => ToUser(d, liveRoles[(d.Site, d.UserId ?? 0)]))
                .OrderBy(u => u.Site, StringComparer.Ordinal).ThenBy(u => u.UserId).ToList(),
            quizzes.Where(d => !d.Deleted && d.Data is not null)
                .Select(d => (d.Site, Quiz: MirrorData.As<QuizData>(d)!))
                .SelectMany(x => x.Quiz.Questions.Select(q => new QuizQuestion(x.Site, x.Quiz.CourseId, x.Quiz.QuizId, q.QuestionId, q.Name)))
                .OrderBy(q => q.Site, StringComparer.Ordinal).ThenBy(q => q.QuizId).ThenBy(q => q.QuestionId).ToList());
    }

    private static Course ToCourse(MirrorDocument d)
    {
        var data = MirrorData.As<CourseData>(d);
        return new Course(d.Site, d.CourseId ?? 0, data?.FullName, data?.ShortName, d.Placeholder, d.Deleted ? true : null);
    }

    private static Module ToModule(MirrorDocument d)
    {
        var data = MirrorData.As<ModuleData>(d);
        var cmId = data?.CmId ?? long.Parse(d.Key[(d.Key.LastIndexOf('|') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return new Module(d.Site, d.CourseId ?? 0, cmId, data?.Kind, data?.ResourceType, data?.InstanceId, data?.Name, data?.Url, d.Deleted ? true : null);
    }

    private static User ToUser(MirrorDocument d, IEnumerable<TeacherRole> roles)
    {
        var data = MirrorData.As<UserData>(d)!;
        return new User(d.Site, data.UserId, data.Username, data.Email, data.FirstName, data.LastName,
            roles.OrderBy(r => r.CourseId).ThenBy(r => r.Role, StringComparer.Ordinal).ToList());
    }
}
