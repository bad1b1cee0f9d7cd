using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror.Reconciling;
using Mofa.Sync.Store.Sqlite;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The reconcile state contract on the embedded store: a real file per test, in a folder of its own that the reads must
/// not create. Each store instance opens the file through its own <see cref="SqliteFile"/>, as another process would.
/// Always runs.
/// </summary>
public sealed class SqliteReconcileStateContractTests : ReconcileStateContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mofa-reconcile-state-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "mirror.db");

    protected override IReconcileStateStore CreateStore() => new SqliteReconcileStateStore(new SqliteStoreOptions { Path = DatabasePath });

    protected override Task<bool> DatabaseHoldsAnythingAsync() => Task.FromResult(File.Exists(DatabasePath) || Directory.Exists(_folder));

    protected override Task DestroyAsync()
    {
        SqliteTestFile.Delete(DatabasePath);
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reads_on_a_mirror_file_without_the_reconcile_tables_find_no_state_and_add_no_table()
    {
        Directory.CreateDirectory(_folder);
        var options = new SqliteStoreOptions { Path = DatabasePath };
        await using (var connection = new SqliteConnection(options.ConnectionString()))
        {
            await connection.OpenAsync(Ct);
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE courses (key TEXT PRIMARY KEY)";
            await create.ExecuteNonQueryAsync(Ct);
        }

        var store = Unopened();
        Assert.Null(await store.GetAsync(Site, Ct));
        Assert.Empty(await store.ListAsync(Ct));

        await using var check = new SqliteConnection(options.ConnectionString());
        await check.OpenAsync(Ct);
        await using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'";
        Assert.Equal("courses", await tables.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task A_reservation_that_waited_for_the_write_lock_reads_the_clock_once_it_holds_it()
    {
        var store = await StoreAsync();
        var clock = new FixedClock(T0);

        // Another process holds the file's write lock: the reservation waits for it.
        await using var other = new SqliteConnection(new SqliteStoreOptions { Path = DatabasePath }.ConnectionString());
        await other.OpenAsync(Ct);
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        var reservation = Task.Run(() => store.ReserveCallAsync(Site, Interval, false, clock, Ct));
        // Three seconds pass on the clock while it waits. The pause only gives an implementation that read the clock
        // before taking the lock the time to do so (and be caught below); a correct one cannot finish while the lock is held.
        await Task.Delay(200, Ct);
        Assert.False(reservation.IsCompleted);
        Assert.Equal(0, clock.Reads);
        clock.Now = T0 + TimeSpan.FromSeconds(3);
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(T0 + TimeSpan.FromSeconds(3), await reservation);
    }

    [Fact]
    public async Task The_next_course_is_read_in_index_order_without_a_sort()
    {
        await StoreAsync();
        await using var connection = new SqliteConnection(new SqliteStoreOptions { Path = DatabasePath }.ConnectionString());
        await connection.OpenAsync(Ct);
        await using var plan = connection.CreateCommand();
        plan.CommandText = """
            EXPLAIN QUERY PLAN SELECT c.course_id FROM reconcile_sites s JOIN reconcile_courses c ON c.site = s.site
            WHERE s.site = 'x' AND s.pass_started_at IS NOT NULL AND (c.verified_at IS NULL OR c.verified_at < s.pass_started_at)
            ORDER BY c.verified_at, c.course_id LIMIT 1
            """;
        var steps = new List<string>();
        await using (var reader = await plan.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct)) steps.Add(reader.GetString(3));
        }

        Assert.Contains(steps, s => s.Contains("ix_reconcile_courses_next", StringComparison.Ordinal));
        Assert.DoesNotContain(steps, s => s.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
