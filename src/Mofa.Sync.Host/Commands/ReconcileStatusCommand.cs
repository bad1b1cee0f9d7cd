using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Moodle;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync reconcile status [--json]`: the rolling reconcile of each site as the store holds it (whichever
/// instance leads it): the period, the last full pass, the current pass (verified of how many, failed, drift found
/// and repaired by kind, calls used, projected end) and whether a pass fits in the period. Only reads: a store
/// that is not there is an error, nothing is created. Exit 0; 4 when a site's pass cannot keep up with its period.
/// </summary>
public sealed class ReconcileStatusCommand : AsyncCommand<ReconcileStatusCommand.Options>
{
    public const int Behind = 4;

    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("Print one JSON object (for scripts)")]
        public bool Json { get; set; }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var sites = new MoodleSites(settings.Moodle);
        var stored = await ReadStatesAsync(settings, cancellationToken);
        var now = DateTimeOffset.UtcNow;

        // Every site with a period, and any other site the store still has a pass for (its period since removed).
        var lines = sites.All.Where(s => s.ReconcilePeriod is not null).Select(s => s.Url)
            .Union(stored.Select(s => s.Site), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(url => SiteStatus.Of(url, sites.Find(url)?.ReconcilePeriod, stored.FirstOrDefault(s => s.Site == url), settings.Reconcile.CallsPerSecond, now))
            .ToList();
        var exit = lines.Any(l => l.Projection?.Behind == true) ? Behind : 0;

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { sites = lines, exitCode = exit }, Json));
            return exit;
        }

        if (lines.Count == 0)
        {
            AnsiConsole.WriteLine("No rolling reconcile: no site has a Moodle:Sites:{n}:Reconcile:Period.");
            return exit;
        }

        foreach (var l in lines) Print(l);
        return exit;
    }

    private static async Task<IReadOnlyList<ReconcileSiteState>> ReadStatesAsync(Settings.MofaSyncSettings settings, CancellationToken ct)
    {
        var state = await CommonSettings.OpenReconcileStateAsync(settings, ct);
        try
        {
            return await state.ListAsync(ct);
        }
        finally
        {
            if (state is IAsyncDisposable d) await d.DisposeAsync();
        }
    }

    private static void Print(SiteStatus s)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Site)}[/]: {(s.Period is null ? "no period configured (rolling reconcile off)" : "every course once per " + s.Period)}");
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("led by", Markup.Escape(s.Leader is null ? "nobody (no instance runs it, or none has started)" : $"{s.Leader} until {Time(s.LeaseUntil)}"));
        table.AddRow("last full pass", Markup.Escape(s.LastFullPass is null ? "none yet" : $"{s.LastFullPass.Courses} course(s), {Time(s.LastFullPass.StartedAt)} → {Time(s.LastFullPass.EndedAt)}"));
        if (s.LastFullPass is { Found: { } lastFound, Repaired: { } lastRepaired } l)
        {
            table.AddRow("  its figures", Markup.Escape($"{l.Failed} failed, {l.Calls} call(s); drift found {Counts(lastFound)}; repaired {Counts(lastRepaired)}"));
        }

        if (s.CurrentPass is { } p)
        {
            table.AddRow("current pass", Markup.Escape($"started {Time(p.StartedAt)}: {p.Verified} of {p.Courses} course(s) verified, {p.Failed} failed, {p.Calls} call(s)"));
            table.AddRow("drift found", Markup.Escape(Counts(p.Found)));
            table.AddRow("drift repaired", Markup.Escape(Counts(p.Repaired)));
            table.AddRow("projected end", Markup.Escape(Time(p.ProjectedEnd)));
        }
        else if (s.NextPassAt is { } next)
        {
            table.AddRow("next pass", Markup.Escape(Time(next)));
        }

        if (s.Projection is { } j)
        {
            table.AddRow("a pass needs", Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{j.Courses} course(s) × {j.CallsPerCourse:0.#} call(s) ÷ {j.CallsPerSecond:0.##}/s = {j.Needed}{(j.Behind ? $": LONGER THAN THE PERIOD, it needs a period of {j.Needed} or {j.CallsPerSecondNeeded:0.##} call(s)/s" : "")}")));
        }

        AnsiConsole.Write(table);
        static string Counts(DriftCounts c) => string.Create(CultureInfo.InvariantCulture,
            $"{c.Courses} course, {c.Modules} module, {c.Teachers} teacher, {c.QuizLists} quiz list");
        static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";
    }

    /// <summary>One site's line: what the store holds, with the projection at the configured budget.</summary>
    public sealed record SiteStatus(
        string Site,
        TimeSpan? Period,
        string? Leader,
        DateTimeOffset? LeaseUntil,
        PassSummary? LastFullPass,
        CurrentPassSummary? CurrentPass,
        DateTimeOffset? NextPassAt,
        ProjectionSummary? Projection)
    {
        public static SiteStatus Of(string site, TimeSpan? period, ReconcileSiteState? s, double callsPerSecond, DateTimeOffset now)
        {
            if (s is null) return new SiteStatus(site, period, null, null, null, null, null, null);
            var leased = s.LeaseUntil > now ? s.LeaseHolder : null;
            // Between passes the counters are the last pass's; once a new pass starts they are its own.
            var last = s.LastPassEndedAt is { } ended
                ? s.PassStartedAt is null
                    ? new PassSummary(s.LastPassStartedAt, ended, s.LastPassCourses, s.Counters.Failed, s.Counters.Calls, s.Counters.Found, s.Counters.Repaired)
                    : new PassSummary(s.LastPassStartedAt, ended, s.LastPassCourses, null, null, null, null)
                : null;
            var projection = period is { } p ? PassProjection.Of(s, p, callsPerSecond) : null;
            var current = s.PassStartedAt is { } started
                ? new CurrentPassSummary(started, s.PassCourses, s.Verified, s.Counters.Failed, s.Counters.Calls, s.Counters.Found, s.Counters.Repaired,
                    projection is null ? null : PassProjection.ProjectedEnd(s, projection, now))
                : null;
            var next = s.PassStartedAt is null && period is { } q ? s.LastPassStartedAt + q : null;
            return new SiteStatus(site, period, leased, leased is null ? null : s.LeaseUntil, last, current, next, projection is null ? null : ProjectionSummary.Of(projection));
        }
    }

    /// <summary>The last full pass; its figures only until the next pass starts (then they are the current pass's).</summary>
    public sealed record PassSummary(DateTimeOffset? StartedAt, DateTimeOffset EndedAt, int Courses, int? Failed, long? Calls, DriftCounts? Found, DriftCounts? Repaired);

    public sealed record CurrentPassSummary(DateTimeOffset StartedAt, int Courses, int Verified, int Failed, long Calls, DriftCounts Found, DriftCounts Repaired, DateTimeOffset? ProjectedEnd);

    public sealed record ProjectionSummary(int Courses, double CallsPerCourse, double CallsPerSecond, TimeSpan Needed, bool Behind, double CallsPerSecondNeeded)
    {
        public static ProjectionSummary Of(PassProjection p) => new(p.Courses, Math.Round(p.CallsPerCourse, 2), p.CallsPerSecond,
            TimeSpan.FromSeconds(Math.Ceiling(p.Needed.TotalSeconds)), p.Behind, Math.Round(p.CallsPerSecondNeeded, 2));
    }
}
