using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// Versions ordered as the stores order them: UTF-8 bytes. Event ids that differ at a supplementary
/// character against one of U+E000–U+FFFF are ordered one way by UTF-16 code units and the other way by
/// the stores; the rules' own comparisons (a parent's tombstone newer than the event, a duplicate key
/// that means "stale") must agree with the store's conditional writes.
/// </summary>
public abstract partial class MirrorStoreContract
{
    /// <summary>😀 (F0 9F 98 80): newer to the stores than <see cref="BmpEventId"/>, older to string.CompareOrdinal.</summary>
    private const string SupplementaryEventId = "e-\U0001F600";

    /// <summary>Ａ (EF BC A1).</summary>
    private const string BmpEventId = "e-\uFF21";

    [SkippableFact]
    public async Task A_course_delete_newer_only_in_byte_order_takes_a_module_created_in_the_same_second_in_every_order()
    {
        await InEveryOrder(
            f => [f.CourseDeleted(5, 1) with { EventId = SupplementaryEventId }, f.ModuleCreated(5, 1, 10, "assign", 100, "Essay") with { EventId = BmpEventId }],
            async f => await AssertTombstone(MirrorKeys.Module(f.Site, 10), f.CourseDeleted(5, 1) with { EventId = SupplementaryEventId }));
    }

    [SkippableFact]
    public async Task A_write_older_only_in_byte_order_is_stale_in_every_order()
    {
        await InEveryOrder(
            f => [f.ModuleUpdated(5, 1, 10, "assign", 100, "Newer") with { EventId = SupplementaryEventId }, f.ModuleUpdated(5, 1, 10, "assign", 100, "Older") with { EventId = BmpEventId }],
            async f =>
            {
                var module = await Get(MirrorKeys.Module(f.Site, 10));
                Assert.Equal(EventVersion.Of(f.ModuleUpdated(5, 1, 10, "assign", 100, "Newer") with { EventId = SupplementaryEventId }), module.Version);
                Assert.Equal("Newer", (await Live<ModuleData>(MirrorKeys.Module(f.Site, 10))).Name);
            });

        // And the outcome says so, the second time too.
        var g = new EventFactory("https://byte-order.moodle.example");
        await Apply(g.ModuleUpdated(5, 1, 10, "assign", 100, "Newer") with { EventId = SupplementaryEventId });
        Assert.Equal(ApplyOutcome.Stale, (await Apply(g.ModuleUpdated(5, 1, 10, "assign", 100, "Older") with { EventId = BmpEventId })).Outcome);
        Assert.Equal(ApplyOutcome.Stale, (await Apply(g.ModuleUpdated(5, 1, 10, "assign", 100, "Older") with { EventId = BmpEventId })).Outcome);
    }
}
