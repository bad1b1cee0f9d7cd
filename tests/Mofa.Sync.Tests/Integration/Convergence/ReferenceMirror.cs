using Mofa.Sync.Mirror;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Tests.Integration.Convergence;

/// <summary>
/// The meaning of a history, written independently of the service: apply the events one by one,
/// in order, the naive way the original sync agent did (plain dictionaries, real deletes, no
/// versions). The service must end in the same mirror whatever the order and duplicates.
/// </summary>
public sealed class ReferenceMirror(ISet<string> teacherRoles)
{
    private readonly Dictionary<(string, long), MirrorExport.Course> _courses = [];
    private readonly Dictionary<(string, long), MirrorExport.Module> _modules = [];
    private readonly Dictionary<(string, long), UserProfile> _users = [];
    private readonly HashSet<(string Site, long CourseId, long UserId, string Role)> _roles = [];
    private readonly Dictionary<(string, long), QuizQuestionsChanged> _quizzes = [];

    public static MirrorExport Of(IEnumerable<MoodleEvent> history, ISet<string> teacherRoles)
    {
        var mirror = new ReferenceMirror(teacherRoles);
        foreach (var e in history) mirror.Apply(e);
        return mirror.Export();
    }

    public void Apply(MoodleEvent e)
    {
        switch (e)
        {
            case CourseChanged c:
                _courses[(c.Site, c.CourseId)] = new MirrorExport.Course(c.Site, c.CourseId, c.FullName, c.ShortName, false);
                break;
            case CourseDeleted c:
                _courses.Remove((c.Site, c.CourseId));
                foreach (var key in _modules.Where(m => m.Key.Item1 == c.Site && m.Value.CourseId == c.CourseId).Select(m => m.Key).ToList()) _modules.Remove(key);
                foreach (var key in _quizzes.Where(q => q.Key.Item1 == c.Site && q.Value.CourseId == c.CourseId).Select(q => q.Key).ToList()) _quizzes.Remove(key);
                _roles.RemoveWhere(r => r.Site == c.Site && r.CourseId == c.CourseId);
                ForgetUsersWithoutRoles();
                break;
            case CourseModuleChanged m:
                Placeholder(m.Site, m.CourseId);
                var (kind, resourceType) = ModuleKinds.Classify(m.ModuleName);
                _modules[(m.Site, m.CmId)] = new MirrorExport.Module(m.Site, m.CourseId, m.CmId, kind, resourceType, m.InstanceId, m.Name,
                    m.Url ?? $"{m.Site}/mod/{m.ModuleName}/view.php?id={m.CmId}");
                break;
            case CourseModuleDeleted m:
                _modules.Remove((m.Site, m.CmId));
                if (m.ModuleName == "quiz") _quizzes.Remove((m.Site, m.InstanceId));
                break;
            case RoleAssigned r when teacherRoles.Contains(r.RoleShortName):
                Placeholder(r.Site, r.CourseId);
                _roles.Add((r.Site, r.CourseId, r.UserId, r.RoleShortName));
                _users[(r.Site, r.UserId)] = r.User;
                break;
            case RoleUnassigned r when teacherRoles.Contains(r.RoleShortName):
                _roles.Remove((r.Site, r.CourseId, r.UserId, r.RoleShortName));
                ForgetUsersWithoutRoles();
                break;
            case UserUpdated u when _users.ContainsKey((u.Site, u.UserId)):
                _users[(u.Site, u.UserId)] = new UserProfile { Username = u.Username, Email = u.Email, FirstName = u.FirstName, LastName = u.LastName };
                break;
            case UserDeleted u:
                _users.Remove((u.Site, u.UserId));
                _roles.RemoveWhere(r => r.Site == u.Site && r.UserId == u.UserId);
                break;
            case QuizQuestionsChanged q:
                Placeholder(q.Site, q.CourseId);
                _quizzes[(q.Site, q.QuizId)] = q;
                break;
        }
    }

    private void Placeholder(string site, long courseId) =>
        _courses.TryAdd((site, courseId), new MirrorExport.Course(site, courseId, null, null, true));

    private void ForgetUsersWithoutRoles()
    {
        foreach (var key in _users.Keys.Where(k => !_roles.Any(r => r.Site == k.Item1 && r.UserId == k.Item2)).ToList()) _users.Remove(key);
    }

    public MirrorExport Export() => new(
        _courses.Values.OrderBy(c => c.Site, StringComparer.Ordinal).ThenBy(c => c.CourseId).ToList(),
        _modules.Values.OrderBy(m => m.Site, StringComparer.Ordinal).ThenBy(m => m.CmId).ToList(),
        _users.Where(u => _roles.Any(r => r.Site == u.Key.Item1 && r.UserId == u.Key.Item2))
            .Select(u => new MirrorExport.User(u.Key.Item1, u.Key.Item2, u.Value.Username, u.Value.Email, u.Value.FirstName, u.Value.LastName,
                _roles.Where(r => r.Site == u.Key.Item1 && r.UserId == u.Key.Item2)
                    .Select(r => new MirrorExport.TeacherRole(r.CourseId, r.Role))
                    .OrderBy(r => r.CourseId).ThenBy(r => r.Role, StringComparer.Ordinal).ToList()))
            .OrderBy(u => u.Site, StringComparer.Ordinal).ThenBy(u => u.UserId).ToList(),
        _quizzes.Values.SelectMany(q => q.Questions.Select(x => new MirrorExport.QuizQuestion(q.Site, q.CourseId, q.QuizId, x.QuestionId, x.Name)))
            .OrderBy(q => q.Site, StringComparer.Ordinal).ThenBy(q => q.QuizId).ThenBy(q => q.QuestionId).ToList());
}
