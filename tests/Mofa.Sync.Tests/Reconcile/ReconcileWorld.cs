using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Tests.Notifications;
using Mofa.Sync.Tests.Store;

namespace Mofa.Sync.Tests.Reconcile;

/// <summary>
/// A fake Moodle site on loopback HTTP, a mirror in a SQLite file, and `mofa-sync reconcile` run as
/// the built executable against both (the site configured with its token in Moodle:Sites).
/// </summary>
public sealed class ReconcileWorld : IAsyncDisposable
{
    public static readonly ISet<string> TeacherRoles = new HashSet<string>(StringComparer.Ordinal) { "editingteacher", "manager" };

    public FakeMoodleServer Server { get; } = new();
    public FakeMoodleSite Moodle { get; } = new();
    public string MirrorPath { get; } = SqliteTestFile.NewPath("mofa-reconcile");

    public ReconcileWorld()
    {
        Moodle.BaseUrl = Server.BaseUrl;
        Server.Answer = Moodle.Answer;
        // The site's own answer (its token, its functions), for the reconcile command's check too.
        Server.SiteInfo = null;
    }

    /// <summary>The site as the events and the mirror spell it (canonical).</summary>
    public string Site => Server.BaseUrl;

    public EventFactory Events => new(Site);

    public IMirrorStore OpenStore() => new SqliteMirrorStore(new SqliteStoreOptions { Path = MirrorPath, Synchronous = SqliteSynchronous.Normal }, NullLogger<SqliteMirrorStore>.Instance);

    /// <summary>Applies events to the mirror file, as the service would have.</summary>
    public async Task ApplyEventsAsync(params MoodleEvent[] events)
    {
        await using var store = OpenStore();
        await store.InitializeAsync(CancellationToken.None);
        var applier = new MirrorApplier(store, TeacherRoles);
        foreach (var e in events) await applier.ApplyAnyAsync(e, CancellationToken.None);
    }

    public async Task<MirrorExport> ExportAsync(bool includeTombstones = false)
    {
        await using var store = OpenStore();
        await store.InitializeAsync(CancellationToken.None);
        return await MirrorExport.ReadAsync(store, includeTombstones, CancellationToken.None);
    }

    public async Task<(int ExitCode, string Out, string Err)> RunAsync(IEnumerable<string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mofa-sync.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var setting in new[]
                 {
                     $"Moodle:Sites:0:Url={Site}", $"Moodle:Sites:0:Token={FakeMoodleSite.Token}", $"Store:Sqlite:Path={MirrorPath}",
                     "Moodle:RetryLimit=0", "Reconcile:CallsPerSecond=500", "Reconcile:ConcurrentCourses=4", "Reconcile:PageSize=25",
                 }.Concat(settings))
        {
            start.ArgumentList.Add("--setting");
            start.ArgumentList.Add(setting);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args) => RunAsync([], args);

    /// <summary>A course of the fake site: modules of several kinds, teachers among students.</summary>
    public FakeMoodleSite.FakeCourse AddCourse(long id, int modules, int teachers, int students, string? fullName = null)
    {
        var course = new FakeMoodleSite.FakeCourse(id, fullName ?? $"Course {id} & friends", $"C{id}");
        string[] kinds = ["assign", "quiz", "choice", "page", "label", "url", "forum"];
        for (var m = 0; m < modules; m++)
        {
            var kind = kinds[m % kinds.Length];
            course.Modules.Add(new FakeMoodleSite.FakeModule(id * 1000 + m, kind, id * 1000 + m + 500_000, $"{kind} {m} <of> {id}"));
        }

        for (var t = 0; t < teachers; t++)
        {
            var uid = 10_000 + id * 10 + t;
            course.Users.Add(new FakeMoodleSite.FakeUser(uid, $"t{uid}", "Tea", $"Cher {uid}", $"t{uid}@example.edu", t == 0 ? ["editingteacher", "student"] : [t % 2 == 0 ? "manager" : "editingteacher"]));
        }

        for (var s = 0; s < students; s++)
        {
            var uid = 1_000_000 + id * 1000 + s;
            course.Users.Add(new FakeMoodleSite.FakeUser(uid, $"s{uid}", "Stu", "Dent", $"s{uid}@example.edu", s == 0 ? ["teacher", "student"] : ["student"]));
        }

        Moodle.Courses[id] = course;
        return course;
    }

    /// <summary>The mirror export the fake Moodle's content should give (the readers' view).</summary>
    public (IReadOnlyList<(long, string?, string?)> Courses, IReadOnlyList<(long, string?, long?, string?, string?)> Modules, IReadOnlyList<(long, string)> Roles) Expected()
    {
        var courses = Moodle.Courses.Values.OrderBy(c => c.Id).Select(c => (c.Id, (string?)c.FullName, (string?)c.ShortName)).ToList();
        var modules = Moodle.Courses.Values.SelectMany(c => c.Modules).OrderBy(m => m.CmId)
            .Select(m => (m.CmId, (string?)m.ModName, (long?)m.Instance, (string?)m.Name, (string?)$"{Site}/mod/{m.ModName}/view.php?id={m.CmId}")).ToList();
        var roles = Moodle.Courses.Values.SelectMany(c => c.Users.SelectMany(u => u.Roles.Where(TeacherRoles.Contains).Select(r => (c.Id * 0 + u.Id, $"{c.Id}:{r}"))))
            .OrderBy(x => x.Item1).ThenBy(x => x.Item2, StringComparer.Ordinal).ToList();
        return (courses, modules, roles);
    }

    public static (IReadOnlyList<(long, string?, string?)> Courses, IReadOnlyList<(long, string?, long?, string?, string?)> Modules, IReadOnlyList<(long, string)> Roles) Actual(MirrorExport e) => (
        e.Courses.Select(c => (c.CourseId, c.FullName, c.ShortName)).ToList(),
        e.Modules.Select(m => (m.CmId, m.ResourceType ?? m.Kind, m.InstanceId, m.Name, m.Url)).ToList(),
        e.Users.SelectMany(u => u.Roles.Select(r => (u.UserId, $"{r.CourseId}:{r.Role}"))).OrderBy(x => x.Item1).ThenBy(x => x.Item2, StringComparer.Ordinal).ToList());

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        SqliteTestFile.Delete(MirrorPath);
    }
}
