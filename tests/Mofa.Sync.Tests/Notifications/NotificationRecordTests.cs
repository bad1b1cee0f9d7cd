using Microsoft.Extensions.Logging.Abstractions;
using Mofa.Sync.Mirror;
using Mofa.Sync.Agents.Notifications;
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
        _mirror = new SqliteMirrorStore(options, NullLogger<SqliteMirrorStore>.Instance);
        await _mirror.InitializeAsync(CancellationToken.None);
        _notifications = new SqliteNotificationStore(options, _mirror);
        await _notifications.InitializeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_module_change_and_its_notification_commit_together()
    {
        var applier = new MirrorApplier(_mirror, TeacherRoles, new Recorder(_notifications, failAfterRecording: false));

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

        var failing = new MirrorApplier(_mirror, TeacherRoles, new Recorder(_notifications, failAfterRecording: true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ApplyAsync(created, CancellationToken.None));
        Assert.Empty(await LiveModulesAsync());
        Assert.Empty(await _notifications.RecentAsync(10, CancellationToken.None));

        // The message is retried (or redelivered): this time both land.
        var working = new MirrorApplier(_mirror, TeacherRoles, new Recorder(_notifications, failAfterRecording: false));
        Assert.Equal(ApplyOutcome.Applied, (await working.ApplyAsync(created, CancellationToken.None)).Outcome);
        Assert.Single(await LiveModulesAsync());
        Assert.Single(await _notifications.RecentAsync(10, CancellationToken.None));
    }

    private async Task<List<MirrorDocument>> LiveModulesAsync() =>
        (await _mirror.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None)).Where(d => !d.Deleted).ToList();

    /// <summary>Records like the service's change outbox (inside the write), then fails on request: a crash or store error after the insert.</summary>
    private sealed class Recorder(SqliteNotificationStore store, bool failAfterRecording) : IChangeOutbox
    {
        public void Committed(ContentChange change)
        {
        }

        public async Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct)
        {
            await store.RecordAsync(NotificationChangeOutbox.EntryOf(change), TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, writer, ct);
            if (failAfterRecording) throw new InvalidOperationException("the store failed after the notification's insert");
            return change;
        }
    }

    public async Task DisposeAsync()
    {
        await _notifications.DisposeAsync();
        await _mirror.DisposeAsync();
        SqliteTestFile.Delete(_path);
    }
}
