using System.Globalization;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Contracts.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Part 6: the notification store on the same database. What both stores must share: one digest
/// per course however many first notifications race, no notification lost or sent twice when it
/// races its digest's close, and the reads of `mofa-sync notifications` ordered the same way.
/// </summary>
public abstract partial class MirrorStoreContract
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private long _notificationSequence;

    private DigestChange Notification(long courseId, long cmId = 10, string? name = "Essay", long timeCreated = 1_800_000_000)
    {
        var eventId = string.Create(CultureInfo.InvariantCulture, $"e{Interlocked.Increment(ref _notificationSequence)}-{Guid.NewGuid():N}");
        return new DigestChange
        {
            ChangeId = DigestChange.IdFor("https://moodle.example.edu", eventId),
            Site = "https://moodle.example.edu",
            CourseId = courseId,
            Kind = NotificationKinds.Updated,
            CmId = cmId,
            ModuleKind = "assign",
            ItemName = name,
            ItemUrl = null,
            EventId = eventId,
            TimeCreated = timeCreated,
        };
    }

    /// <summary>Teacher roles in the mirror (the recipients a close fixes), on the notifications' site.</summary>
    private async Task SeedTeachersAsync(long courseId, IEnumerable<long> userIds)
    {
        var events = new EventFactory();
        foreach (var userId in userIds) await Apply(events.RoleAssigned(1, courseId, userId, profile: EventFactory.Profile($"t{userId}")));
    }

    /// <summary>Closes and marks published every digest not yet published (as the digest publisher would, once their windows are over).</summary>
    private async Task<List<ClosedDigest>> CloseEveryDigestAsync(INotificationStore store)
    {
        var closed = new List<ClosedDigest>();
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var due = await store.DueDigestsAsync(later, 10_000, Ct);
        foreach (var id in due)
        {
            closed.Add(await store.CloseAsync(id, later, Ct) ?? throw new Xunit.Sdk.XunitException($"digest {id} is due but does not exist"));
        }

        await store.MarkPublishedAsync(due, later, Ct);
        return closed;
    }

    [SkippableFact]
    public async Task Concurrent_first_notifications_of_a_course_share_one_digest()
    {
        var store = await NotificationsAsync();
        for (long course = 1; course <= 5; course++)
        {
            var notifications = Enumerable.Range(0, 16).Select(_ => Notification(course)).ToList();
            using var start = new ManualResetEventSlim();
            var now = DateTimeOffset.UtcNow;
            var recorders = notifications.Select(n => Task.Run(async () =>
            {
                start.Wait(Ct);
                return await store.RecordAsync(n, Window, now, Ct);
            })).ToList();
            start.Set();
            var recorded = await Task.WhenAll(recorders);

            Assert.All(recorded, r => Assert.True(r.IsNew));
            var digest = Assert.Single(recorded.Select(r => r.DigestId).Distinct());
            var closed = Assert.Single(await CloseEveryDigestAsync(store));
            Assert.Equal(digest, closed.DigestId);
            Assert.Equal(notifications.Select(n => n.ChangeId).Order(StringComparer.Ordinal), closed.Notifications.Select(n => n.ChangeId).Order(StringComparer.Ordinal));
        }
    }

    [SkippableFact]
    public async Task A_notification_racing_its_digests_close_ends_in_exactly_one_delivered_digest()
    {
        var store = await NotificationsAsync();
        for (long course = 100; course < 110; course++)
        {
            var now = DateTimeOffset.UtcNow;
            var first = Notification(course);
            var digest = (await store.RecordAsync(first, Window, now, Ct)).DigestId;
            var racing = Enumerable.Range(0, 16).Select(_ => Notification(course)).ToList();

            using var start = new ManualResetEventSlim();
            var recorders = racing.Select(n => Task.Run(async () =>
            {
                start.Wait(Ct);
                return (n.ChangeId, (await store.RecordAsync(n, Window, now, Ct)).DigestId);
            })).ToList();
            var closer = Task.Run(async () =>
            {
                start.Wait(Ct);
                return await store.CloseAsync(digest, now, Ct);
            });
            start.Set();
            var recorded = await Task.WhenAll(recorders);
            var firstClose = await closer ?? throw new Xunit.Sdk.XunitException("the digest vanished");
            await store.MarkPublishedAsync([digest], now, Ct);

            // What each close returned is what its teachers are told: every notification exactly once, in the digest it was recorded in.
            var delivered = new[] { firstClose }.Concat(await CloseEveryDigestAsync(store))
                .SelectMany(d => d.Notifications.Select(n => (n.ChangeId, d.DigestId)))
                .ToList();
            var expected = recorded.Append((first.ChangeId, digest)).OrderBy(r => r.Item1, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, delivered.OrderBy(d => d.ChangeId, StringComparer.Ordinal).ToList());

            // Closing the raced digest again gives the same list: nothing joined it after its close.
            var again = await store.CloseAsync(digest, now, Ct);
            Assert.Equal(firstClose.Notifications.Select(n => n.ChangeId), again!.Notifications.Select(n => n.ChangeId));
        }
    }

    [SkippableFact]
    public async Task Concurrent_deliveries_of_one_notification_record_it_once_in_one_digest_even_while_it_closes()
    {
        var store = await NotificationsAsync();
        for (long course = 200; course < 210; course++)
        {
            var now = DateTimeOffset.UtcNow;
            var opener = Notification(course);
            var digest = (await store.RecordAsync(opener, Window, now, Ct)).DigestId;
            var n = Notification(course);

            using var start = new ManualResetEventSlim();
            var deliveries = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                start.Wait(Ct);
                return await store.RecordAsync(n, Window, now, Ct);
            })).ToList();
            // Every other round its course's digest closes meanwhile.
            var closer = course % 2 == 0
                ? Task.Run(async () =>
                {
                    start.Wait(Ct);
                    return await store.CloseAsync(digest, now, Ct);
                })
                : Task.FromResult<ClosedDigest?>(null);
            start.Set();
            var recorded = await Task.WhenAll(deliveries);
            var raced = await closer;
            if (raced is not null) await store.MarkPublishedAsync([digest], now, Ct);

            Assert.Single(recorded, r => r.IsNew);
            var its = Assert.Single(recorded.Select(r => r.DigestId).Distinct());
            var digests = (raced is null ? [] : new[] { raced }).Concat(await CloseEveryDigestAsync(store)).ToList();
            var holding = Assert.Single(digests, d => d.Notifications.Any(x => x.ChangeId == n.ChangeId));
            Assert.Equal(its, holding.DigestId);
            Assert.Single(holding.Notifications, x => x.ChangeId == n.ChangeId);
        }
    }

    [SkippableFact]
    public async Task A_closed_or_published_digest_takes_no_more_notifications_and_a_zero_window_gives_each_its_own()
    {
        var store = await NotificationsAsync();
        var now = DateTimeOffset.UtcNow;

        var first = await store.RecordAsync(Notification(300), Window, now, Ct);
        Assert.Equal(first.DigestId, (await store.RecordAsync(Notification(300), Window, now, Ct)).DigestId);
        var closed = await store.CloseAsync(first.DigestId, now, Ct);
        Assert.Equal(2, closed!.Notifications.Count);
        var after = await store.RecordAsync(Notification(300), Window, now, Ct);
        Assert.NotEqual(first.DigestId, after.DigestId);

        await store.MarkPublishedAsync([after.DigestId], now, Ct);
        var afterDispatch = await store.RecordAsync(Notification(300), Window, now, Ct);
        Assert.NotEqual(after.DigestId, afterDispatch.DigestId);

        // The window is over: the next notification opens a new digest.
        var late = await store.RecordAsync(Notification(300), Window, now + Window + TimeSpan.FromSeconds(1), Ct);
        Assert.NotEqual(afterDispatch.DigestId, late.DigestId);

        var own = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.RecordAsync(Notification(301), TimeSpan.Zero, now, Ct)));
        Assert.Equal(4, own.Select(r => r.DigestId).Distinct().Count());

        Assert.Single((await store.CloseAsync(after.DigestId, now, Ct))!.Notifications);
        Assert.Equal(2, (await store.CloseAsync(first.DigestId, now, Ct))!.Notifications.Count);
    }

    [SkippableFact]
    public async Task A_closed_digest_not_yet_published_is_due_again_with_the_same_recipients_and_changes_until_it_is_marked()
    {
        var store = await NotificationsAsync();
        var now = DateTimeOffset.UtcNow;
        await SeedTeachersAsync(600, [7, 3]);
        var first = await store.RecordAsync(Notification(600), Window, now, Ct);
        await store.RecordAsync(Notification(600), Window, now, Ct);
        var later = now + Window + TimeSpan.FromSeconds(1);

        // The publisher closed it, then the process died before the publish (or before the mark).
        Assert.Contains(first.DigestId, await store.DueDigestsAsync(later, 100, Ct));
        var closed = (await store.CloseAsync(first.DigestId, later, Ct))!;
        Assert.Equal([3L, 7L], closed.Recipients);
        await SeedTeachersAsync(600, [9]);

        // After the restart: still due, and closing it again gives the same digest (a teacher added since is not in it).
        Assert.Contains(first.DigestId, await store.DueDigestsAsync(later.AddSeconds(5), 100, Ct));
        var again = (await store.CloseAsync(first.DigestId, later.AddSeconds(5), Ct))!;
        Assert.Equal(closed.Recipients, again.Recipients);
        Assert.Equal(closed.ClosedAt, again.ClosedAt);
        Assert.Equal(closed.Notifications.Select(n => n.ChangeId), again.Notifications.Select(n => n.ChangeId));

        await store.MarkPublishedAsync([first.DigestId], later, Ct);
        Assert.DoesNotContain(first.DigestId, await store.DueDigestsAsync(later.AddDays(1), 100, Ct));
    }

    [SkippableFact]
    public async Task Recent_lists_newest_first_ties_by_id_and_not_the_notifications_whose_digest_is_gone()
    {
        var store = await NotificationsAsync();
        var now = DateTimeOffset.UtcNow;
        var tied = Enumerable.Range(0, 4).Select(_ => Notification(500)).ToList();
        foreach (var n in tied) await store.RecordAsync(n, Window, now, Ct);
        var older = Notification(501);
        await store.RecordAsync(older, Window, now.AddSeconds(-5), Ct);
        var gone = Notification(502);
        var goneDigest = (await store.RecordAsync(gone, Window, now.AddSeconds(5), Ct)).DigestId;
        await DeleteDigestAsync(goneDigest);

        var byId = tied.Select(n => n.ChangeId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(byId.Take(2), (await store.RecentAsync(2, Ct)).Select(r => r.NotificationId));
        var all = await store.RecentAsync(10, Ct);
        Assert.Equal(byId.Append(older.ChangeId), all.Select(r => r.NotificationId));
        Assert.All(all, r => Assert.Equal("open", r.DigestState));
    }
}
