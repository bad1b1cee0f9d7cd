using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror.Reconciling;
using static Mofa.Sync.Mirror.Reconciling.ReconcileStateTimes;
using static Mofa.Sync.Store.Sqlite.SqliteStatements;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The rolling reconcile's state in the mirror's SQLite file: tables reconcile_sites (one row per site: lease, call
/// budget, current and last pass) and reconcile_courses (when each course of a site was last verified). Every write is
/// one IMMEDIATE transaction on a connection of its own (not the mirror writer's group commit: a call's reservation
/// must not wait for a batch of events), and SQLite serialises them across processes on the file, which is what makes
/// the lease and the budget hold for every instance. Reads open the file only when it exists and answer null or empty
/// when it or the tables are missing.
/// </summary>
public sealed class SqliteReconcileStateStore : IReconcileStateStore
{
    private const string Counters = "calls, failed, found_courses, found_modules, found_teachers, found_quiz_lists, repaired_courses, repaired_modules, repaired_teachers, repaired_quiz_lists";

    private readonly SqliteFile _file;

    public SqliteReconcileStateStore(SqliteStoreOptions options)
        : this(new SqliteFile(options))
    {
    }

    internal SqliteReconcileStateStore(SqliteFile file) => _file = file;

    public Task InitializeAsync(CancellationToken ct)
    {
        _file.Prepare();
        _file.InTransaction(connection =>
        {
            SqliteSchema.Exec(connection, """
                CREATE TABLE IF NOT EXISTS reconcile_sites (
                    site                TEXT    NOT NULL PRIMARY KEY,
                    lease_holder        TEXT    NULL,
                    lease_until         INTEGER NULL,     -- unix milliseconds, like every *_at here
                    next_call_at        INTEGER NULL,     -- the call budget: the site's next free slot
                    period_ms           INTEGER NULL,
                    pass_started_at     INTEGER NULL,     -- NULL: no pass runs
                    calls               INTEGER NOT NULL DEFAULT 0,
                    failed              INTEGER NOT NULL DEFAULT 0,
                    found_courses       INTEGER NOT NULL DEFAULT 0,
                    found_modules       INTEGER NOT NULL DEFAULT 0,
                    found_teachers      INTEGER NOT NULL DEFAULT 0,
                    found_quiz_lists    INTEGER NOT NULL DEFAULT 0,
                    repaired_courses    INTEGER NOT NULL DEFAULT 0,
                    repaired_modules    INTEGER NOT NULL DEFAULT 0,
                    repaired_teachers   INTEGER NOT NULL DEFAULT 0,
                    repaired_quiz_lists INTEGER NOT NULL DEFAULT 0,
                    last_pass_started_at INTEGER NULL,
                    last_pass_ended_at  INTEGER NULL,
                    last_pass_courses   INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;

                CREATE TABLE IF NOT EXISTS reconcile_courses (
                    site        TEXT    NOT NULL,
                    course_id   INTEGER NOT NULL,
                    verified_at INTEGER NULL,             -- NULL: never verified
                    PRIMARY KEY (site, course_id)
                ) WITHOUT ROWID;
                -- NextCourse in index order (NULLs first, then oldest, then id), and the count of the verified.
                CREATE INDEX IF NOT EXISTS ix_reconcile_courses_next ON reconcile_courses(site, verified_at, course_id);
                """);
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<bool> TryLeaseAsync(string site, string holder, DateTimeOffset now, TimeSpan ttl, CancellationToken ct)
    {
        RequireName(site, nameof(site));
        RequireName(holder, nameof(holder));
        var until = Ms(now) + PositiveMs(ttl, nameof(ttl));
        return Task.FromResult(_file.InTransaction(tx => Scalar(tx, """
            INSERT INTO reconcile_sites(site, lease_holder, lease_until) VALUES ($site, $holder, $until)
            ON CONFLICT(site) DO UPDATE SET lease_holder = $holder, lease_until = $until
            WHERE lease_holder IS NULL OR lease_holder = $holder OR lease_until <= $now
            RETURNING 1
            """, ("$site", site), ("$holder", holder), ("$until", until), ("$now", Ms(now))) is not null));
    }

    public Task ReleaseLeaseAsync(string site, string holder, CancellationToken ct)
    {
        _file.InTransaction(tx => Execute(tx, "UPDATE reconcile_sites SET lease_holder = NULL, lease_until = NULL WHERE site = $site AND lease_holder = $holder",
            ("$site", site), ("$holder", holder)));
        return Task.CompletedTask;
    }

    /// <remarks>One upsert: the next free slot moves on by the interval from the slot given (priority), or from now only when it is not after now (yield).</remarks>
    public Task<DateTimeOffset?> ReserveCallAsync(string site, TimeSpan interval, bool yieldToOthers, TimeProvider clock, CancellationToken ct)
    {
        RequireName(site, nameof(site));
        ArgumentNullException.ThrowIfNull(clock);
        var step = PositiveMs(interval, nameof(interval));
        var sql = yieldToOthers
            ? """
              INSERT INTO reconcile_sites(site, next_call_at) VALUES ($site, $now + $step)
              ON CONFLICT(site) DO UPDATE SET next_call_at = $now + $step WHERE next_call_at IS NULL OR next_call_at <= $now
              RETURNING next_call_at
              """
            : """
              INSERT INTO reconcile_sites(site, next_call_at) VALUES ($site, $now + $step)
              ON CONFLICT(site) DO UPDATE SET next_call_at = max(coalesce(next_call_at, $now), $now) + $step
              RETURNING next_call_at
              """;
        // Now is read once BEGIN IMMEDIATE holds the write lock, not before a wait for it.
        var next = _file.InTransaction(tx => Scalar(tx, sql, ("$site", site), ("$now", NotBeforeMs(clock.GetUtcNow())), ("$step", step)));
        return Task.FromResult(next is long n ? At(n - step) : (DateTimeOffset?)null);
    }

    public Task<bool> StartPassAsync(string site, string holder, IReadOnlyCollection<long> courseIds, TimeSpan period, int listingCalls, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(courseIds);
        var periodMs = PositiveMs(period, nameof(period));
        ArgumentOutOfRangeException.ThrowIfNegative(listingCalls);
        return Task.FromResult(_file.InTransaction(tx =>
        {
            if (!Holds(tx, site, holder, now)) return false;
            var listed = courseIds.ToHashSet();
            var known = new List<long>();
            using (var cmd = Command(tx, "SELECT course_id FROM reconcile_courses WHERE site = $site", ("$site", site)))
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read()) known.Add(reader.GetInt64(0));
            }

            foreach (var gone in known.Where(id => !listed.Contains(id)))
            {
                Execute(tx, "DELETE FROM reconcile_courses WHERE site = $site AND course_id = $course", ("$site", site), ("$course", gone));
            }

            foreach (var id in listed)
            {
                Execute(tx, "INSERT INTO reconcile_courses(site, course_id) VALUES ($site, $course) ON CONFLICT DO NOTHING", ("$site", site), ("$course", id));
            }

            Execute(tx, $"""
                UPDATE reconcile_sites SET period_ms = $period, pass_started_at = $now, ({Counters}) = ($calls, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                WHERE site = $site
                """, ("$site", site), ("$period", periodMs), ("$now", Ms(now)), ("$calls", listingCalls));
            return true;
        }));
    }

    public Task<long?> NextCourseAsync(string site, CancellationToken ct)
    {
        using var connection = _file.Open();
        // In the index's order: the first row not verified since the pass started is the answer (NULLs sort first).
        var next = Scalar(connection, """
            SELECT c.course_id FROM reconcile_sites s JOIN reconcile_courses c ON c.site = s.site
            WHERE s.site = $site AND s.pass_started_at IS NOT NULL AND (c.verified_at IS NULL OR c.verified_at < s.pass_started_at)
            ORDER BY c.verified_at, c.course_id LIMIT 1
            """, ("$site", site));
        return Task.FromResult(next is long id ? id : (long?)null);
    }

    public Task RecordVerifiedAsync(string site, long courseId, DateTimeOffset at, CourseVerification figures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(figures);
        RequireName(site, nameof(site));
        _file.InTransaction(tx =>
        {
            // Never moves back: an event-driven reconcile that ends late does not undo a later verification.
            Execute(tx, """
                INSERT INTO reconcile_courses(site, course_id, verified_at) VALUES ($site, $course, $at)
                ON CONFLICT(site, course_id) DO UPDATE SET verified_at = max(coalesce(verified_at, $at), $at)
                """, ("$site", site), ("$course", courseId), ("$at", Ms(at)));
            var (f, r) = (figures.Found, figures.Repaired);
            return Execute(tx, """
                UPDATE reconcile_sites SET calls = calls + $calls, failed = failed + $failed,
                    found_courses = found_courses + $fc, found_modules = found_modules + $fm, found_teachers = found_teachers + $ft, found_quiz_lists = found_quiz_lists + $fq,
                    repaired_courses = repaired_courses + $rc, repaired_modules = repaired_modules + $rm, repaired_teachers = repaired_teachers + $rt, repaired_quiz_lists = repaired_quiz_lists + $rq
                WHERE site = $site AND pass_started_at IS NOT NULL
                """, ("$site", site), ("$calls", figures.Calls), ("$failed", figures.Failed ? 1 : 0),
                ("$fc", f.Courses), ("$fm", f.Modules), ("$ft", f.Teachers), ("$fq", f.QuizLists),
                ("$rc", r.Courses), ("$rm", r.Modules), ("$rt", r.Teachers), ("$rq", r.QuizLists));
        });
        return Task.CompletedTask;
    }

    public Task<bool> EndPassAsync(string site, string holder, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_file.InTransaction(tx => Holds(tx, site, holder, now) && Execute(tx, """
            UPDATE reconcile_sites SET last_pass_started_at = pass_started_at, last_pass_ended_at = $now, pass_started_at = NULL,
                last_pass_courses = (SELECT count(*) FROM reconcile_courses WHERE site = $site)
            WHERE site = $site AND pass_started_at IS NOT NULL
            """, ("$site", site), ("$now", Ms(now))) > 0));

    public Task<ReconcileSiteState?> GetAsync(string site, CancellationToken ct) =>
        Task.FromResult(Read("WHERE s.site = $site", ("$site", site)).SingleOrDefault());

    public Task<IReadOnlyList<ReconcileSiteState>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ReconcileSiteState>>(Read("ORDER BY s.site"));

    /// <summary>Whether <paramref name="holder"/> holds the site's lease at <paramref name="now"/> (inside the caller's transaction).</summary>
    private static bool Holds(SqliteConnection tx, string site, string holder, DateTimeOffset now) =>
        Scalar(tx, "SELECT 1 FROM reconcile_sites WHERE site = $site AND lease_holder = $holder AND lease_until > $now",
            ("$site", site), ("$holder", holder), ("$now", Ms(now))) is not null;

    /// <summary>The sites' states; none on a file that is missing or has no reconcile tables (nothing is created).</summary>
    private List<ReconcileSiteState> Read(string where, params (string Name, object? Value)[] values)
    {
        var states = new List<ReconcileSiteState>();
        using var connection = _file.OpenExisting();
        if (connection is null) return states;
        if (Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('reconcile_sites', 'reconcile_courses')") is not 2L)
        {
            return states;
        }

        // One statement, so one snapshot: the counts agree with the row they are read with.
        using var cmd = Command(connection, $"""
            SELECT s.site, s.lease_holder, s.lease_until, s.period_ms, s.pass_started_at, {Counters},
                s.last_pass_started_at, s.last_pass_ended_at, s.last_pass_courses,
                CASE WHEN s.pass_started_at IS NULL THEN 0 ELSE (SELECT count(*) FROM reconcile_courses c WHERE c.site = s.site) END,
                CASE WHEN s.pass_started_at IS NULL THEN 0 ELSE (SELECT count(*) FROM reconcile_courses c WHERE c.site = s.site AND c.verified_at >= s.pass_started_at) END
            FROM reconcile_sites s {where}
            """, values);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            long? Long(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            var counters = new PassCounters(reader.GetInt64(5), reader.GetInt32(6),
                new DriftCounts(reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10)),
                new DriftCounts(reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14)));
            states.Add(new ReconcileSiteState(
                reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), At(Long(2)),
                Long(3) is { } period ? TimeSpan.FromMilliseconds(period) : null, At(Long(4)),
                reader.GetInt32(18), reader.GetInt32(19), counters, At(Long(15)), At(Long(16)), reader.GetInt32(17)));
        }

        return states;
    }
}
