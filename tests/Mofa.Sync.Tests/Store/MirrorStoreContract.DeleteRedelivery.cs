using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// A module delete whose change record fails after its writes, then is redelivered: the teachers are
/// still told the module's name. On SQLite the failure undoes the tombstone with the record; on MongoDB
/// (no transaction) the tombstone stays, and the redelivery reads the name the tombstone kept.
/// </summary>
public abstract partial class MirrorStoreContract
{
    [SkippableFact]
    public async Task A_module_delete_redelivered_after_its_record_failed_still_names_the_module()
    {
        var f = new EventFactory("https://delete-redelivery.moodle.example");
        await Apply(f.ModuleCreated(1, 1, 10, "assign", 100, "Essay"));
        var outbox = new ChangeRecordProbe(await StoreAsync()) { FailBeforeRecord = true };
        var applier = new MirrorApplier(outbox, TeacherRoles);
        var delete = f.ModuleDeleted(2, 1, 10, "assign", 100);

        await Assert.ThrowsAsync<InvalidOperationException>(() => applier.ApplyAnyAsync(delete, Ct));
        outbox.FailBeforeRecord = false;
        var redelivered = await applier.ApplyAnyAsync(delete, Ct);

        // Applied where the failure undid the tombstone (atomic writes), already applied where it stayed.
        Assert.Equal((await StoreAsync()).WritesAreAtomic ? ApplyOutcome.Applied : ApplyOutcome.AlreadyApplied, redelivered.Outcome);
        var change = Assert.Single(outbox.Recorded);
        Assert.Equal((ContentChangeKind.Deleted, 10L, "Essay"), (change.Kind, change.CmId, change.ItemName));
        await AssertTombstone(MirrorKeys.Module(f.Site, 10), delete);

        // Where a redelivery records its change again (by its id, idempotently), it names the module too.
        await applier.ApplyAnyAsync(delete, Ct);
        Assert.All(outbox.Recorded, c => Assert.Equal("Essay", c.ItemName));
    }
}
