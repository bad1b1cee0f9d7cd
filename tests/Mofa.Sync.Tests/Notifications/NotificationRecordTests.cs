using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Store;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// The notification of a content change is recorded inside the event's own mirror write: on the
/// embedded store (a real SQLite file) the two commit together or not at all.
/// </summary>
public sealed class NotificationRecordTests : IAsyncLifetime
{
    private static readonly ISet<string> TeacherRoles = new HashSet<string>(StringComparer.Ordinal) { "editingteacher" };

    private readonly string _path = SqliteTestFile.NewPath("mofa-record");
    private readonly EventFactory _events = new();
    private SqliteMirrorStore _mirror = null!;
    private SqliteNotificationStore _notifications = null!;

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { Path = _path, Synchronous = SqliteSynchronous.Normal };
        _mirror = new SqliteMirrorStore(options, NullLogger<SqliteMirrorStore>.Instance, ChangeOutboxSettings.On(TimeSpan.FromMinutes(1)));
        await _mirror.InitializeAsync(CancellationToken.None);
        _notifications = new SqliteNotificationStore(options, _mirror);
        await _notifications.InitializeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_module_change_and_its_notification_commit_together()
    {
        var applier = new MirrorApplier(new ChangeRecordProbe(_mirror), TeacherRoles);

        var result = await applier.ApplyAsync(_events.ModuleCreated(1, 42, 301, "quiz", 801, "Midterm"), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Single(await LiveModulesAsync());
        var recorded = Assert.Single(await _notifications.RecentAsync(10, CancellationToken.None));
        Assert.Equal((42L, 301L, "created", "Midterm"), (recorded.CourseId, recorded.CmId, recorded.Kind, recorded.ItemName));
    }

    [Fact]
    public async Task A_record_that_fails_takes_the_module_change_with_it_and_the_redelivery_does_both()
    {
        var created = _events.ModuleCreated(1, 42, 302, "assign", 802, "Essay");

        var failing = new MirrorApplier(new ChangeRecordProbe(_mirror) { FailAfterRecord = true }, TeacherRoles);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ApplyAsync(created, CancellationToken.None));
        Assert.Empty(await LiveModulesAsync());
        Assert.Empty(await _notifications.RecentAsync(10, CancellationToken.None));

        // The message is retried (or redelivered): this time both land.
        var working = new MirrorApplier(new ChangeRecordProbe(_mirror), TeacherRoles);
        Assert.Equal(ApplyOutcome.Applied, (await working.ApplyAsync(created, CancellationToken.None)).Outcome);
        Assert.Single(await LiveModulesAsync());
        Assert.Single(await _notifications.RecentAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_redelivered_event_is_not_recorded_again_on_sqlite_whether_its_digest_is_open_or_closed()
    {
        var recorder = new ChangeRecordProbe(_mirror);
        var applier = new MirrorApplier(recorder, TeacherRoles);
        var created = _events.ModuleCreated(1, 42, 303, "quiz", 803, "Quiz 3");

        // Two copies at once (one batch or two), then one more after the digest closed.
        var outcomes = await Task.WhenAll(applier.ApplyAsync(created, CancellationToken.None), applier.ApplyAsync(created, CancellationToken.None));
        Assert.Equal([ApplyOutcome.Applied, ApplyOutcome.AlreadyApplied], outcomes.Select(o => o.Outcome).Order());
        var digest = Assert.Single(await _notifications.DueDigestsAsync(DateTimeOffset.UtcNow.AddDays(1), 10, CancellationToken.None));
        Assert.Single((await _notifications.CloseAsync(digest, DateTimeOffset.UtcNow, CancellationToken.None))!.Notifications);
        Assert.Equal(ApplyOutcome.AlreadyApplied, (await applier.ApplyAsync(created, CancellationToken.None)).Outcome);

        Assert.Equal(1, recorder.Calls);
        Assert.Single(await _notifications.RecentAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_whose_changes_are_keyed_by_id_is_moved_to_digest_order_keeping_every_change()
    {
        var path = SqliteTestFile.NewPath("mofa-record-upgrade");
        try
        {
            // The layout of the previous version: the change's id as the table's key, an index by digest.
            await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
            {
                await old.OpenAsync();
                using var create = old.CreateCommand();
                create.CommandText = """
                    CREATE TABLE notification_digests (id TEXT NOT NULL PRIMARY KEY, site TEXT NOT NULL, course_id INTEGER NOT NULL, state TEXT NOT NULL,
                        created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, dispatched_at INTEGER NULL, closed_at INTEGER NULL, course_name TEXT NULL, recipients INTEGER NULL);
                    CREATE TABLE notifications (id TEXT NOT NULL PRIMARY KEY, digest_id TEXT NOT NULL, site TEXT NOT NULL, course_id INTEGER NOT NULL,
                        kind TEXT NOT NULL, cm_id INTEGER NOT NULL, module_kind TEXT NOT NULL, item_name TEXT NULL, item_url TEXT NULL,
                        event_id TEXT NOT NULL, time_created INTEGER NOT NULL, received_at INTEGER NOT NULL);
                    CREATE INDEX ix_notifications_digest ON notifications(digest_id);
                    CREATE INDEX ix_notifications_received ON notifications(received_at);
                    INSERT INTO notification_digests VALUES ('d1', 'https://moodle.example.edu', 42, 'open', 1, 2, NULL, NULL, NULL, NULL);
                    INSERT INTO notifications VALUES ('n:https://moodle.example.edu|e1', 'd1', 'https://moodle.example.edu', 42, 'created', 301, 'quiz', 'Midterm', NULL, 'e1', 1800000000, 1);
                    INSERT INTO notifications VALUES ('n:https://moodle.example.edu|e2', 'd1', 'https://moodle.example.edu', 42, 'updated', 302, 'assign', 'Essay', NULL, 'e2', 1800000001, 2);
                    """;
                await create.ExecuteNonQueryAsync();
            }

            var options = new SqliteStoreOptions { Path = path, Synchronous = SqliteSynchronous.Normal };
            await using var mirror = new SqliteMirrorStore(options, NullLogger<SqliteMirrorStore>.Instance);
            await mirror.InitializeAsync(CancellationToken.None);
            await using var notifications = new SqliteNotificationStore(options, mirror);
            await notifications.InitializeAsync(CancellationToken.None);
            await notifications.InitializeAsync(CancellationToken.None); // a second start finds it done

            var closed = await notifications.CloseAsync("d1", DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Equal(["n:https://moodle.example.edu|e1", "n:https://moodle.example.edu|e2"], closed!.Notifications.Select(n => n.ChangeId));
            Assert.Equal(("Midterm", 1_800_000_001L), (closed.Notifications[0].ItemName, closed.Notifications[1].TimeCreated));

            await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
            await check.OpenAsync();
            using var layout = check.CreateCommand();
            layout.CommandText = """
                SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('notifications') WHERE pk > 0 ORDER BY pk)),
                       (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_list('notifications') WHERE origin = 'c' ORDER BY name)),
                       (SELECT count(*) FROM sqlite_master WHERE name = 'notifications_keyed_by_id')
                """;
            using var reader = await layout.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("digest_id,id", "ix_notifications_received", 0L), (reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        finally
        {
            SqliteTestFile.Delete(path);
        }
    }

    private async Task<List<MirrorDocument>> LiveModulesAsync() =>
        (await _mirror.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Where(d => !d.Deleted).ToList();

    public async Task DisposeAsync()
    {
        await _notifications.DisposeAsync();
        await _mirror.DisposeAsync();
        SqliteTestFile.Delete(_path);
    }
}
