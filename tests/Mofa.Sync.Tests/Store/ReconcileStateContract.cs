using Mofa.Sync.Mirror.Reconciling;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The contract of <see cref="IReconcileStateStore"/>, written once and run on each store by a subclass. Every time is
/// passed in (the port takes now), so no test reads the clock; "two processes" are two store instances on one database,
/// each with its own connections.
/// </summary>
public abstract class ReconcileStateContract : IAsyncLifetime
{
    protected const string Site = "https://moodle.example";
    private const string A = "instance-a";
    private const string B = "instance-b";

    /// <summary>An arbitrary instant at a whole millisecond: the stores keep milliseconds.</summary>
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Period = TimeSpan.FromHours(24);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly List<IReconcileStateStore> _stores = [];

    /// <summary>A budget against hangs only.</summary>
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>Throws Skip when the store cannot be tested here; called before a store is created.</summary>
    protected virtual void SkipUnlessAvailable()
    {
    }

    /// <summary>A new store instance (not initialized) on the test's one database: each call plays another process.</summary>
    protected abstract IReconcileStateStore CreateStore();

    /// <summary>Whether the test's database exists and holds anything (the SQLite file or its folder; any MongoDB collection).</summary>
    protected abstract Task<bool> DatabaseHoldsAnythingAsync();

    /// <summary>Removes whatever the test made, after its stores are disposed.</summary>
    protected abstract Task DestroyAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores.OfType<IAsyncDisposable>()) await store.DisposeAsync();
        if (_stores.Count > 0) await DestroyAsync();
        _timeout.Dispose();
    }

    /// <summary>Another instance on the test's database, initialized as the service initializes it.</summary>
    protected async Task<IReconcileStateStore> StoreAsync()
    {
        var store = Unopened();
        await store.InitializeAsync(Ct);
        return store;
    }

    /// <summary>A store instance as a command gets it: nothing initialized.</summary>
    protected IReconcileStateStore Unopened()
    {
        SkipUnlessAvailable();
        var store = CreateStore();
        _stores.Add(store);
        return store;
    }

    private static DateTimeOffset At(int ms) => T0.AddMilliseconds(ms);

    private static CourseVerification Clean(int calls) => new(calls, false, DriftCounts.Zero, DriftCounts.Zero);

    [SkippableFact]
    public async Task A_lease_is_taken_refused_renewed_taken_over_when_expired_and_released()
    {
        var store = await StoreAsync();

        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        Assert.False(await store.TryLeaseAsync(Site, B, At(1_000), Ttl, Ct));
        Assert.Equal((A, T0 + Ttl), Lease(await store.GetAsync(Site, Ct)));

        // A renewal moves the end on; the other holder is still refused until then.
        Assert.True(await store.TryLeaseAsync(Site, A, At(20_000), Ttl, Ct));
        Assert.False(await store.TryLeaseAsync(Site, B, T0 + Ttl, Ttl, Ct));
        Assert.Equal((A, At(20_000) + Ttl), Lease(await store.GetAsync(Site, Ct)));

        // Expired (its end reached): taken over.
        Assert.True(await store.TryLeaseAsync(Site, B, At(20_000) + Ttl, Ttl, Ct));
        Assert.False(await store.TryLeaseAsync(Site, A, At(20_001) + Ttl, Ttl, Ct));

        // Released only by its holder; then free at once.
        await store.ReleaseLeaseAsync(Site, A, Ct);
        Assert.Equal(B, (await store.GetAsync(Site, Ct))!.LeaseHolder);
        await store.ReleaseLeaseAsync(Site, B, Ct);
        var released = await store.GetAsync(Site, Ct);
        Assert.Null(released!.LeaseHolder);
        Assert.Null(released.LeaseUntil);
        Assert.True(await store.TryLeaseAsync(Site, A, At(20_002) + Ttl, Ttl, Ct));
    }

    [SkippableFact]
    public async Task Two_instances_racing_for_a_free_lease_leave_exactly_one_holder()
    {
        var (first, second) = (await StoreAsync(), await StoreAsync());
        for (var round = 0; round < 10; round++)
        {
            var site = $"{Site}/race{round}";
            var a = Task.Run(() => first.TryLeaseAsync(site, A, T0, Ttl, Ct));
            var b = Task.Run(() => second.TryLeaseAsync(site, B, T0, Ttl, Ct));
            var won = await Task.WhenAll(a, b);
            Assert.Equal(1, won.Count(w => w));
            Assert.Equal(won[0] ? A : B, (await first.GetAsync(site, Ct))!.LeaseHolder);
        }
    }

    [SkippableFact]
    public async Task Priority_reservations_from_concurrent_callers_get_distinct_slots_an_interval_apart()
    {
        var store = await StoreAsync();
        var slots = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.ReserveCallAsync(Site, Interval, false, new FixedClock(T0), Ct))));

        AssertSpaced(slots.Select(s => s!.Value).ToList(), 20);
        Assert.Equal(T0, slots.Min());
    }

    [SkippableFact]
    public async Task Two_instances_reserving_at_once_never_share_a_slot_nor_come_closer_than_the_interval()
    {
        var stores = new[] { await StoreAsync(), await StoreAsync() };
        // Each caller passes its own now, as processes with their own clocks would.
        var slots = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => stores[i % 2].ReserveCallAsync(Site, Interval, false, new FixedClock(At(i * 7)), Ct))));

        AssertSpaced(slots.Select(s => s!.Value).ToList(), 40);
    }

    [SkippableFact]
    public async Task A_slot_is_never_before_now_and_an_idle_budget_saves_no_slots()
    {
        var store = await StoreAsync();
        Assert.Equal(T0, await store.ReserveCallAsync(Site, Interval, false, new FixedClock(T0), Ct));
        Assert.Equal(T0 + Interval, await store.ReserveCallAsync(Site, Interval, false, new FixedClock(T0), Ct));
        // Idle for ten seconds: the next call is at now, not at the slots left unused.
        Assert.Equal(At(10_000), await store.ReserveCallAsync(Site, Interval, false, new FixedClock(At(10_000)), Ct));
        Assert.Equal(At(10_000) + Interval, await store.ReserveCallAsync(Site, Interval, false, new FixedClock(At(10_000)), Ct));
    }

    [SkippableFact]
    public async Task Yield_is_refused_while_priority_slots_are_pending_and_granted_when_idle()
    {
        var store = await StoreAsync();
        Assert.Equal(T0, await store.ReserveCallAsync(Site, Interval, true, new FixedClock(T0), Ct));

        // Priority work queues behind the rolling call's slot.
        var priority = await store.ReserveCallAsync(Site, Interval, false, new FixedClock(T0), Ct);
        Assert.Equal(T0 + Interval, priority);
        Assert.Null(await store.ReserveCallAsync(Site, Interval, true, new FixedClock(T0), Ct));
        Assert.Null(await store.ReserveCallAsync(Site, Interval, true, new FixedClock(T0 + Interval), Ct));

        // The last priority slot is taken at T0 + 250 ms, so the budget is free from T0 + 500 ms.
        Assert.Null(await store.ReserveCallAsync(Site, Interval, true, new FixedClock(At(499)), Ct));
        Assert.Equal(At(500), await store.ReserveCallAsync(Site, Interval, true, new FixedClock(At(500)), Ct));
        // And what it took counts against priority work as any call does.
        Assert.Equal(At(750), await store.ReserveCallAsync(Site, Interval, false, new FixedClock(At(500)), Ct));
    }

    [SkippableFact]
    public async Task Starting_a_pass_replaces_the_list_keeping_the_verified_times()
    {
        var store = await StoreAsync();
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        Assert.True(await store.StartPassAsync(Site, A, [1, 2, 3], Period, 1, T0, Ct));
        await store.RecordVerifiedAsync(Site, 3, At(10), Clean(2), Ct);
        await store.RecordVerifiedAsync(Site, 2, At(20), Clean(2), Ct);
        await store.RecordVerifiedAsync(Site, 1, At(30), Clean(2), Ct);

        // 1 is gone from Moodle, 4 is new: 4 first (never verified), then 3 and 2 as they were verified.
        Assert.True(await store.StartPassAsync(Site, A, [4, 2, 3], Period, 2, At(100), Ct));
        var state = await store.GetAsync(Site, Ct);
        Assert.Equal(At(100), state!.PassStartedAt);
        Assert.Equal(Period, state.Period);
        Assert.Equal(3, state.PassCourses);
        Assert.Equal(0, state.Verified);
        Assert.Equal(PassCounters.Zero with { Calls = 2 }, state.Counters);

        Assert.Equal([4L, 3L, 2L], await DrainAsync(store, At(200)));
        Assert.Equal(3, (await store.GetAsync(Site, Ct))!.Verified);
    }

    [SkippableFact]
    public async Task Only_the_holder_of_a_running_lease_starts_or_ends_a_pass()
    {
        var store = await StoreAsync();
        Assert.False(await store.StartPassAsync(Site, A, [1], Period, 0, T0, Ct));
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));

        Assert.False(await store.StartPassAsync(Site, B, [1, 2], Period, 0, T0, Ct));
        // A lease that has run out is held by nobody, its last holder included.
        Assert.False(await store.StartPassAsync(Site, A, [1, 2], Period, 0, T0 + Ttl, Ct));
        var untouched = await store.GetAsync(Site, Ct);
        Assert.Null(untouched!.PassStartedAt);
        Assert.Null(untouched.Period);
        Assert.Null(await store.NextCourseAsync(Site, Ct));

        Assert.True(await store.StartPassAsync(Site, A, [1, 2], Period, 0, At(1), Ct));
        Assert.False(await store.EndPassAsync(Site, B, At(2), Ct));
        Assert.False(await store.EndPassAsync(Site, A, T0 + Ttl, Ct));
        Assert.Equal(At(1), (await store.GetAsync(Site, Ct))!.PassStartedAt);
    }

    [SkippableFact]
    public async Task The_next_course_is_never_verified_first_then_the_oldest_then_by_id()
    {
        var store = await StoreAsync();
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        // Verified before the pass (by events, or an earlier pass): 30 and 10 at the same time, 20 earlier.
        await store.RecordVerifiedAsync(Site, 30, At(-100), Clean(1), Ct);
        await store.RecordVerifiedAsync(Site, 10, At(-100), Clean(1), Ct);
        await store.RecordVerifiedAsync(Site, 20, At(-500), Clean(1), Ct);
        Assert.True(await store.StartPassAsync(Site, A, [30, 20, 10, 50, 40], Period, 0, T0, Ct));

        Assert.Equal([40L, 50L, 20L, 10L, 30L], await DrainAsync(store, At(10)));
        Assert.Null(await store.NextCourseAsync(Site, Ct));
        Assert.Null(await store.NextCourseAsync("https://other.example", Ct));
    }

    [SkippableFact]
    public async Task A_course_verified_since_the_pass_started_is_not_next_whoever_verified_it()
    {
        var store = await StoreAsync();
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        Assert.True(await store.StartPassAsync(Site, A, [1, 2, 3], Period, 0, T0, Ct));
        // An event-driven reconcile (a restore) of course 1, on another instance.
        await (await StoreAsync()).RecordVerifiedAsync(Site, 1, At(5), Clean(3), Ct);

        Assert.Equal(2, await store.NextCourseAsync(Site, Ct));
        Assert.Equal(1, (await store.GetAsync(Site, Ct))!.Verified);
    }

    [SkippableFact]
    public async Task Recording_a_verification_adds_the_figures_and_an_unknown_course()
    {
        var store = await StoreAsync();
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        Assert.True(await store.StartPassAsync(Site, A, [1, 2], Period, 3, T0, Ct));

        await store.RecordVerifiedAsync(Site, 1, At(10), new CourseVerification(4, false, new DriftCounts(1, 2, 3, 4), new DriftCounts(1, 2, 0, 4)), Ct);
        await store.RecordVerifiedAsync(Site, 9, At(20), new CourseVerification(2, true, new DriftCounts(0, 5, 0, 0), DriftCounts.Zero), Ct);

        var state = await store.GetAsync(Site, Ct);
        Assert.Equal(new PassCounters(3 + 4 + 2, 1, new DriftCounts(1, 7, 3, 4), new DriftCounts(1, 2, 0, 4)), state!.Counters);
        Assert.Equal(3, state.PassCourses);
        Assert.Equal(2, state.Verified);
        Assert.Equal(2, await store.NextCourseAsync(Site, Ct));

        // A late record of an older verification moves no time back: course 9 stays verified in this pass.
        await store.RecordVerifiedAsync(Site, 9, At(-1_000), Clean(0), Ct);
        Assert.Equal(2, (await store.GetAsync(Site, Ct))!.Verified);
        Assert.Equal([2L], await DrainAsync(store, At(30)));
    }

    [SkippableFact]
    public async Task Ending_a_pass_makes_it_the_last_full_pass()
    {
        var store = await StoreAsync();
        Assert.True(await store.TryLeaseAsync(Site, A, T0, Ttl, Ct));
        Assert.True(await store.StartPassAsync(Site, A, [1, 2, 3], Period, 1, At(100), Ct));
        await DrainAsync(store, At(200));

        Assert.True(await store.EndPassAsync(Site, A, At(900), Ct));
        var state = await store.GetAsync(Site, Ct);
        Assert.Null(state!.PassStartedAt);
        Assert.Equal(At(100), state.LastPassStartedAt);
        Assert.Equal(At(900), state.LastPassEndedAt);
        Assert.Equal(3, state.LastPassCourses);
        Assert.Equal((0, 0), (state.PassCourses, state.Verified));
        // The pass's figures stay readable until the next pass starts.
        Assert.Equal(1 + 3, state.Counters.Calls);
        Assert.Null(await store.NextCourseAsync(Site, Ct));
        Assert.False(await store.EndPassAsync(Site, A, At(901), Ct));
        // Between passes an event-driven reconcile still marks its course, and adds to no pass's figures.
        await store.RecordVerifiedAsync(Site, 4, At(950), Clean(5), Ct);
        Assert.Equal(1 + 3, (await store.GetAsync(Site, Ct))!.Counters.Calls);

        Assert.True(await store.StartPassAsync(Site, A, [1, 2, 3], Period, 1, At(1_000), Ct));
        Assert.Equal(1, await store.NextCourseAsync(Site, Ct));
        Assert.Equal(3, (await store.GetAsync(Site, Ct))!.PassCourses);
        Assert.Equal(At(900), (await store.GetAsync(Site, Ct))!.LastPassEndedAt);
    }

    [SkippableFact]
    public async Task The_sites_are_listed_by_site_and_an_unknown_site_has_no_state()
    {
        var store = await StoreAsync();
        Assert.Empty(await store.ListAsync(Ct));
        await store.ReserveCallAsync("https://b.example", Interval, false, new FixedClock(T0), Ct);
        Assert.True(await store.TryLeaseAsync("https://a.example", A, T0, Ttl, Ct));

        Assert.Equal(["https://a.example", "https://b.example"], (await store.ListAsync(Ct)).Select(s => s.Site));
        Assert.Null(await store.GetAsync("https://c.example", Ct));
        var fresh = (await store.ListAsync(Ct))[1];
        Assert.Equal(new ReconcileSiteState("https://b.example", null, null, null, null, 0, 0, PassCounters.Zero, null, null, 0), fresh);
    }

    [SkippableFact]
    public async Task Reads_on_a_database_without_the_state_create_nothing()
    {
        var store = Unopened();
        Assert.Null(await store.GetAsync(Site, Ct));
        Assert.Empty(await store.ListAsync(Ct));
        Assert.False(await DatabaseHoldsAnythingAsync());
    }

    /// <summary>The pass's courses in the order NextCourse gives them, each recorded verified at <paramref name="at"/>.</summary>
    private async Task<List<long>> DrainAsync(IReconcileStateStore store, DateTimeOffset at)
    {
        var order = new List<long>();
        while (await store.NextCourseAsync(Site, Ct) is { } next)
        {
            Assert.DoesNotContain(next, order);
            order.Add(next);
            await store.RecordVerifiedAsync(Site, next, at, Clean(1), Ct);
        }

        return order;
    }

    private static (string?, DateTimeOffset?) Lease(ReconcileSiteState? state) => (state!.LeaseHolder, state.LeaseUntil);

    /// <summary>Every reservation got a slot, no two alike, each an interval or more after the one before.</summary>
    private static void AssertSpaced(List<DateTimeOffset> slots, int expected)
    {
        Assert.Equal(expected, slots.Count);
        Assert.Equal(expected, slots.Distinct().Count());
        var ordered = slots.Order().ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i] - ordered[i - 1] >= Interval, $"slots {ordered[i - 1]:O} and {ordered[i]:O} are closer than {Interval.TotalMilliseconds} ms");
        }
    }
}
