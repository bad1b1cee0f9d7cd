using Mofa.Sync.Mirror.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Two closers of one digest (two publishers, or a close repeated after a crash) while the course's
/// teachers change: the recipients are fixed once, every close returns that one list, the delivery
/// records are exactly that list, and the count `mofa-sync notifications` shows is its length.
/// </summary>
public abstract partial class MirrorStoreContract
{
    [SkippableFact]
    public async Task Concurrent_closes_of_one_digest_agree_on_one_recipient_list_while_the_teachers_change()
    {
        var store = await NotificationsAsync();
        var events = new EventFactory();
        for (long course = 700; course < 710; course++)
        {
            await SeedTeachersAsync(course, [1, 2, 3]);
            var now = DateTimeOffset.UtcNow;
            var digest = (await store.RecordAsync(Notification(course), Window, now, Ct)).DigestId;

            using var start = new ManualResetEventSlim();
            var closers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                start.Wait(Ct);
                return await store.CloseAsync(digest, now, Ct) ?? throw new Xunit.Sdk.XunitException($"digest {digest} vanished");
            })).ToList();
            var teachersChange = Task.Run(async () =>
            {
                start.Wait(Ct);
                for (long userId = 10; userId < 20; userId++) await Apply(events.RoleAssigned(2, course, userId));
                await Apply(events.RoleUnassigned(3, course, 1));
            });
            start.Set();
            var closed = await Task.WhenAll(closers);
            await teachersChange;

            var recipients = closed[0].Recipients;
            Assert.All(closed, c => Assert.Equal(recipients, c.Recipients));
            Assert.Equal(recipients.Order(), recipients);
            Assert.Subset(new HashSet<long>([1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]), recipients.ToHashSet());
            Assert.Superset(new HashSet<long>([2, 3]), recipients.ToHashSet());

            // A close after the race returns the same list; the delivery records are that list, each claimed once.
            Assert.Equal(recipients, (await store.CloseAsync(digest, now, Ct))!.Recipients);
            Assert.Equal(recipients, await store.ClaimAsync(digest, 1000, now, Ct));
            Assert.Empty(await store.ClaimAsync(digest, 1000, now, Ct));
            Assert.Equal(recipients.Count, (await store.RecentAsync(1000, Ct)).Single(r => r.DigestId == digest).Recipients);
            await store.MarkPublishedAsync([digest], now, Ct);
        }
    }

    [SkippableFact]
    public async Task A_claim_takes_at_most_max_each_record_once_and_a_short_claim_means_none_is_left()
    {
        var store = await NotificationsAsync();
        await SeedTeachersAsync(720, Enumerable.Range(1, 250).Select(u => (long)u));
        var now = DateTimeOffset.UtcNow;
        var digest = (await store.RecordAsync(Notification(720), Window, now, Ct)).DigestId;
        Assert.Equal(250, (await store.CloseAsync(digest, now, Ct))!.Recipients.Count);

        // Claimers racing for the records, 100 at most each time, as the deliveries do.
        using var start = new ManualResetEventSlim();
        var claimers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            var mine = new List<long>();
            while (true)
            {
                var claimed = await store.ClaimAsync(digest, 100, now, Ct);
                Assert.InRange(claimed.Count, 0, 100);
                mine.AddRange(claimed);
                if (claimed.Count < 100) return mine;
            }
        })).ToList();
        start.Set();
        var all = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();

        Assert.Equal(Enumerable.Range(1, 250).Select(u => (long)u), all.Order());
        await store.RecordOutcomesAsync(digest, all.Select(u => new DeliveryOutcome(u, DeliveryStates.Retry)).ToList(), now, Ct);
        Assert.Equal(250, (await store.ClaimAsync(digest, 1000, now, Ct)).Count);
    }
}
