using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Snapshots;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync reconcile --site URL (--course ID… | --all) [--dry-run] [--json]`: reads courses back
/// from a configured site's web services and makes the mirror equal to them (a backfill, or a
/// drift audit with --dry-run). Exit codes: 0 no drift; 1 drift found (repaired unless --dry-run);
/// 2 bad command line or settings; 3 the site could not be read at all (token refused, Moodle down,
/// functions missing); 4 some courses could not be reconciled (refused or failed; the others were).
/// </summary>
public sealed class ReconcileCommand : AsyncCommand<ReconcileCommand.Options>
{
    public const int NoDrift = 0, DriftFound = 1, SiteUnreadable = 3, SomeCoursesFailed = 4;

    /// <summary>How many items of one kind a course's report names before it only counts.</summary>
    private const int FirstItems = 3;

    public sealed class Options : CommonSettings
    {
        [CommandOption("--site <URL>")]
        [Description("The configured Moodle site (its wwwroot, as in Moodle:Sites)")]
        public string? Site { get; set; }

        [CommandOption("--course <ID>")]
        [Description("A course id (repeatable)")]
        public long[] Courses { get; set; } = [];

        [CommandOption("--all")]
        [Description("Every course of the site (a backfill), the site's front page excepted")]
        public bool All { get; set; }

        [CommandOption("--dry-run")]
        [Description("Report what differs, change nothing")]
        public bool DryRun { get; set; }

        [CommandOption("--json")]
        [Description("Print one JSON object (for scripts)")]
        public bool Json { get; set; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Site)) return ValidationResult.Error("--site URL is required: the wwwroot of a site in Moodle:Sites");
            if (All == (Courses.Length > 0)) return ValidationResult.Error("give either --course ID (one or more) or --all");
            if (Courses.Any(c => c <= 1)) return ValidationResult.Error("--course must be a course id above 1 (1 is the site's front page)");
            return ValidationResult.Success();
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        var site = FindSite(settings, options.Site!);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMoodleSites(settings.Moodle);
        await using var store = await CommonSettings.OpenStoreAsync(settings, cancellationToken);
        services.AddSingleton(store);
        // The sites' call budget, shared with the running services; a course reconciled counts as verified for the rolling reconcile.
        var state = await CommonSettings.OpenReconcileStateAsync(settings, cancellationToken);
        await state.InitializeAsync(cancellationToken);
        services.AddSingleton(state);
        services.AddReconcile(settings);
        await using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<MoodleCourseReader>();
        var reconciler = provider.GetRequiredService<CourseReconciler>();

        IReadOnlyList<long> courseIds;
        bool quizListsRead;
        try
        {
            var check = await reader.CheckSiteAsync(site, cancellationToken);
            if (check.MissingFunctions.Count > 0)
            {
                return Unreadable(options, site, $"the token's web service does not include {string.Join(", ", check.MissingFunctions)} (docs/operations.md, \"Reconcile\", lists what it needs)");
            }

            quizListsRead = check.ReadsQuizLists;
            courseIds = options.All ? await reader.ListCourseIdsAsync(site, cancellationToken) : options.Courses.Distinct().ToList();
        }
        catch (Exception ex) when (ex is MoodleRejectedException or MoodleUnavailableException)
        {
            return Unreadable(options, site, ex.Message);
        }

        var results = new CourseResult[courseIds.Count];
        await DlqProgress.RunAsync(options.Json, $"{(options.DryRun ? "Auditing" : "Reconciling")} {courseIds.Count} course(s) of {site.Url}", courseIds.Count, async advance =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, courseIds.Count),
                new ParallelOptions { MaxDegreeOfParallelism = settings.Reconcile.ConcurrentCourses, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    try
                    {
                        results[i] = CourseResult.From(await reconciler.ReconcileAsync(site, courseIds[i], options.DryRun, ct));
                    }
                    catch (Exception ex) when (ex is MoodleRejectedException or MoodleUnavailableException)
                    {
                        results[i] = new CourseResult(courseIds[i], "failed", 0, ex.Message, null);
                    }

                    advance?.Invoke(1);
                });
            return 0;
        });

        var summary = Summary.Of(results);
        // A course in neither Moodle nor the mirror is a wrong id, not a course in sync.
        var exit = summary.Failed + summary.Refused + summary.NotFound > 0 ? SomeCoursesFailed : summary.WithDrift > 0 ? DriftFound : NoDrift;
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { site = site.Url, dryRun = options.DryRun, quizListsRead, courses = results, summary, exitCode = exit }, Json));
        }
        else
        {
            Print(results, summary, options.DryRun);
            if (!quizListsRead) AnsiConsole.MarkupLine(Markup.Escape(QuizListsNotRead));
        }

        return exit;
    }

    private const string QuizListsNotRead = "Quiz question lists were not read, and left as they are: the token's service does not include " + MoodleReadFunctions.QuizQuestions + " (docs/operations.md, \"Reconcile\").";

    private static MoodleSite FindSite(MofaSyncSettings settings, string given)
    {
        var url = SiteAddress.Canonicalize(given, out var reason) ?? throw new SettingsException($"--site {given}: {reason}");
        var site = new MoodleSites(settings.Moodle).Find(url)
            ?? throw new SettingsException($"--site {url} is not one of the configured Moodle sites (Moodle:Sites)");
        if (!site.HasToken) throw new SettingsException($"Moodle site {url} has no web service token (Moodle:Sites:{{n}}:Token): reconciling reads its web services");
        return site;
    }

    private static int Unreadable(Options options, MoodleSite site, string why)
    {
        if (options.Json) Console.WriteLine(JsonSerializer.Serialize(new { site = site.Url, dryRun = options.DryRun, error = why, exitCode = SiteUnreadable }, Json));
        else Console.Error.WriteLine($"mofa-sync: cannot reconcile {site.Url}: {why}");
        return SiteUnreadable;
    }

    private static void Print(IReadOnlyList<CourseResult> results, Summary summary, bool dryRun)
    {
        foreach (var r in results.Where(r => r.Drift is not null || r.Outcome is "failed" or CourseReconciliation.Refused or CourseReconciliation.DeletedSince or CourseReconciliation.NotFound))
        {
            AnsiConsole.MarkupLine($"[bold]course {r.CourseId}[/]: {Markup.Escape(r.Outcome)}{(r.Written > 0 ? $", {r.Written} written" : "")}{(r.Detail is null ? "" : " — " + Markup.Escape(r.Detail))}");
            if (r.Drift is null) continue;
            var table = new Table().AddColumns("collection", "missing", "extra", "changed", "first items");
            foreach (var (collection, d) in r.Drift)
            {
                table.AddRow(Markup.Escape(collection), Count(d.Missing), Count(d.Extra), Count(d.Changed), Markup.Escape(string.Join("; ", d.First)));
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"{summary.Courses} course(s): {summary.InSync} in sync, {summary.WithDrift} with drift ({(dryRun ? "not changed: --dry-run" : $"{summary.Written} document(s) written")}), " +
            $"{summary.Gone} gone from Moodle, {summary.NotFound} not found, {summary.Refused} refused, {summary.Failed} failed"));
        static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>One course's line of the report.</summary>
    public sealed record CourseResult(long CourseId, string Outcome, int Written, string? Detail, IReadOnlyDictionary<string, CollectionDrift>? Drift)
    {
        public static CourseResult From(CourseReconciliation r) => new(r.CourseId, r.Outcome, r.Written, r.Detail,
            r.HasDrift
                ? r.Drift.ByCollection().ToDictionary(g => MirrorCollectionNames.NameOf(g.Key), g => CollectionDrift.Of(g))
                : null);
    }

    /// <summary>The differences in one collection: counts, and the first few of each kind in words.</summary>
    public sealed record CollectionDrift(int Missing, int Extra, int Changed, IReadOnlyList<string> First)
    {
        public static CollectionDrift Of(IEnumerable<DriftItem> items)
        {
            var list = items.ToList();
            return new CollectionDrift(
                list.Count(i => i.Kind == DriftKind.Missing), list.Count(i => i.Kind == DriftKind.Extra), list.Count(i => i.Kind == DriftKind.Changed),
                list.GroupBy(i => i.Kind).SelectMany(g => g.Take(FirstItems).Select(i => $"{g.Key.ToString().ToLowerInvariant()}: {i.What}")).ToList());
        }
    }

    public sealed record Summary(int Courses, int InSync, int WithDrift, int Gone, int NotFound, int Refused, int Failed, int Written)
    {
        public static Summary Of(IReadOnlyList<CourseResult> r) => new(
            r.Count,
            r.Count(c => c.Outcome == CourseReconciliation.InSync),
            r.Count(c => c.Drift is not null),
            r.Count(c => c.Outcome == CourseReconciliation.Gone),
            r.Count(c => c.Outcome == CourseReconciliation.NotFound),
            r.Count(c => c.Outcome == CourseReconciliation.Refused),
            r.Count(c => c.Outcome == "failed"),
            r.Sum(c => c.Written));
    }
}
