using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Xunit;
using Xunit.Sdk;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The change outbox kept by the store adapter itself: an event's content change is recorded by the
/// store's own writer, in the event's write, into a digest of the window the store was given; a zero
/// window tells the publisher once the record is written; a store given none records nothing.
/// </summary>
public abstract partial class MirrorStoreContract
{
    [SkippableFact]
    public async Task The_stores_writer_records_a_change_once_into_a_digest_due_at_once_and_tells_the_publisher()
    {
        Outbox = ChangeOutboxSettings.On(TimeSpan.Zero);
        var notifications = await NotificationsAsync();
        var f = new EventFactory("https://outbox.moodle.example");
        var created = f.ModuleCreated(1, 42, 301, "quiz", 801, "Midterm");
        // Waited on before the write, as the publisher does; without the store's signal it never ends
        // (the test's own time budget, Ct, is what stops a hang).
        var told = notifications.WaitForDueDigestAsync(Timeout.InfiniteTimeSpan, Ct);

        Assert.Equal(ApplyOutcome.Applied, (await Apply(created)).Outcome);
        try
        {
            await told;
        }
        catch (OperationCanceledException)
        {
            throw new XunitException("the store never said that the change's digest, due at once, was committed");
        }

        Assert.Equal(ApplyOutcome.AlreadyApplied, (await Apply(created)).Outcome);

        var recorded = Assert.Single(await notifications.RecentAsync(10, Ct));
        Assert.Equal((f.Site, 42L, 301L, "created", "Midterm"), (recorded.Site, recorded.CourseId, recorded.CmId, recorded.Kind, recorded.ItemName));
        Assert.Equal(recorded.DigestId, Assert.Single(await notifications.DueDigestsAsync(DateTimeOffset.UtcNow.AddSeconds(1), 10, Ct)));
    }

    [SkippableFact]
    public async Task A_store_given_a_window_records_into_the_courses_open_digest_not_yet_due()
    {
        Outbox = ChangeOutboxSettings.On(TimeSpan.FromHours(1));
        var notifications = await NotificationsAsync();
        var f = new EventFactory("https://outbox-window.moodle.example");

        await Apply(f.ModuleCreated(1, 42, 301, "quiz", 801, "Midterm"));
        await Apply(f.ModuleCreated(2, 42, 302, "assign", 802, "Essay"));

        var recorded = await notifications.RecentAsync(10, Ct);
        Assert.Equal([301L, 302L], recorded.Select(n => n.CmId).Order());
        Assert.Single(recorded.Select(n => n.DigestId).Distinct());
        Assert.Empty(await notifications.DueDigestsAsync(DateTimeOffset.UtcNow, 10, Ct));
    }

    [SkippableFact]
    public async Task A_store_given_no_change_outbox_records_nothing()
    {
        var notifications = await NotificationsAsync();
        var f = new EventFactory("https://no-outbox.moodle.example");

        Assert.Equal(ApplyOutcome.Applied, (await Apply(f.ModuleCreated(1, 42, 301, "quiz", 801, "Midterm"))).Outcome);
        await Apply(f.ModuleDeleted(2, 42, 301, "quiz", 801));

        Assert.Empty(await notifications.RecentAsync(10, Ct));
        Assert.Empty(await notifications.DueDigestsAsync(DateTimeOffset.UtcNow.AddDays(1), 10, Ct));
    }
}
