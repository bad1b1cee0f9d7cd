using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Notifications;

namespace Mofa.Sync.Tests.Reconcile.Rolling;

/// <summary>
/// The rolling reconcile's world: the fake Moodle over loopback HTTP (<see cref="ReconcileWorld"/>), the real broker
/// (an isolated <see cref="TestEnvironment"/>), one SQLite mirror file, and `mofa-sync run` processes on both with the
/// site's Reconcile:Period. The pass's state is read from the file the services share, as `reconcile status` does.
/// </summary>
public sealed class RollingWorld : IAsyncDisposable
{
    /// <summary>Budget against a hang, not a timing assertion.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    private readonly List<MofaSyncProcess> _services = [];
    private readonly HashSet<MofaSyncProcess> _killed = [];

    public RollingWorld(TimeSpan period, double callsPerSecond)
    {
        Period = period;
        CallsPerSecond = callsPerSecond;
        Env = new TestEnvironment(new() { ["Store:Sqlite:Path"] = Reconcile.MirrorPath });
    }

    public ReconcileWorld Reconcile { get; } = new();

    public TestEnvironment Env { get; }

    public FakeMoodleServer Server => Reconcile.Server;

    public FakeMoodleSite Moodle => Reconcile.Moodle;

    public string Site => Reconcile.Site;

    public TimeSpan Period { get; }

    public double CallsPerSecond { get; }

    /// <summary>The site with its period and budget; a short lease so a killed leader's pass is taken over soon.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Moodle:Sites:0:Url"] = Site,
        ["Moodle:Sites:0:Token"] = FakeMoodleSite.Token,
        ["Moodle:Sites:0:Reconcile:Period"] = Period.ToString("c", CultureInfo.InvariantCulture),
        ["Moodle:RetryLimit"] = "0",
        ["Moodle:Timeout"] = "00:00:10",
        ["Reconcile:CallsPerSecond"] = CallsPerSecond.ToString(CultureInfo.InvariantCulture),
        ["Reconcile:PageSize"] = "25",
        ["Reconcile:LeaseTime"] = "00:00:03",
        ["Reconcile:StatusInterval"] = "00:00:01",
        ["Reconcile:RetryMinInterval"] = "00:00:00.100",
        ["Reconcile:RetryMaxInterval"] = "00:00:00.500",
        ["Logging:LogLevel:Mofa.Sync.Consumers.Reconcile"] = "Information",
    };

    /// <summary>Starts one more `mofa-sync run` on the world (with a health endpoint).</summary>
    public async Task<MofaSyncProcess> StartServiceAsync()
    {
        var service = MofaSyncProcess.Run(Env, Settings());
        _services.Add(service);
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>SIGKILLs one of the world's services (and waits until it is gone).</summary>
    public async Task KillAsync(MofaSyncProcess service)
    {
        _killed.Add(service);
        service.Kill();
        await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The site's state in the shared file, read as `reconcile status` reads it (null until the first lease).</summary>
    public async Task<ReconcileSiteState?> StateAsync()
    {
        if (!File.Exists(Reconcile.MirrorPath)) return null;
        var store = new SqliteReconcileStateStore(new SqliteStoreOptions { Path = Reconcile.MirrorPath });
        return await store.GetAsync(Site, CancellationToken.None);
    }

    /// <summary>Waits until a full pass has ended (the budget is a safety limit against a hang) and returns the state.</summary>
    public async Task<ReconcileSiteState> WaitForFullPassAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var state = await StateAsync();
            if (state?.LastPassEndedAt is not null) return state;
            foreach (var s in _services.Where(s => s.HasExited && !_killed.Contains(s))) throw new InvalidOperationException($"a service exited ({s.ExitCode}):\n{s.Tail()}");
            if (deadline.Elapsed > Budget)
            {
                throw new TimeoutException($"no full pass within {Budget} (budget against a hang); state: {JsonSerializer.Serialize(state)}\n{string.Join("\n---\n", _services.Select(s => s.Tail()))}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (the budget is a safety limit against a hang, not a timing assertion).</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>The same for a condition read asynchronously.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Budget) throw new TimeoutException($"not reached within {Budget} (budget against a hang): {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>`mofa-sync reconcile status --json` on the shared file: its exit code and its JSON.</summary>
    public async Task<(int ExitCode, JsonElement Json)> StatusAsync()
    {
        var (exit, stdout, stderr) = await Reconcile.RunAsync(Settings().Select(kv => $"{kv.Key}={kv.Value}"), "reconcile", "status", "--json");
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return (exit, doc.RootElement.Clone());
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"reconcile status --json exited {exit} without JSON:\n{stdout}\n{stderr}");
        }
    }

    /// <summary>The core_course_get_contents calls per course: one per reading of the course.</summary>
    public Dictionary<long, int> ContentReads() => Server.Calls
        .Where(c => c.Function == "core_course_get_contents")
        .GroupBy(c => long.Parse(c.Form["courseid"], CultureInfo.InvariantCulture))
        .ToDictionary(g => g.Key, g => g.Count());

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _services) await s.DisposeAsync();
        await Env.DisposeAsync();
        await Reconcile.DisposeAsync();
    }
}
