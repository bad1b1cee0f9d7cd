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
    /// <summary>An outbox whose records fail while <see cref="Failing"/> (as a failed write of the notification would), then record.</summary>
    private sealed class OutboxFailingFirst : IChangeOutbox
    {
        public volatile bool Failing = true;

        public List<ContentChange> Recorded { get; } = [];

        public Task<ContentChange> RecordAsync(ContentChange change, IMirrorWriter writer, CancellationToken ct)
        {
            if (Failing) throw new InvalidOperationException("the change's record failed");
            lock (Recorded) Recorded.Add(change);
            return Task.FromResult(change);
        }

        public void Committed(ContentChange change)
        {
        }
    }

    [SkippableFact]
    public async Task A_module_delete_redelivered_after_its_record_failed_still_names_the_module()
    {
        var f = new EventFactory("https://delete-redelivery.moodle.example");
        await Apply(f.ModuleCreated(1, 1, 10, "assign", 100, "Essay"));
        var outbox = new OutboxFailingFirst();
        var applier = new MirrorApplier(await StoreAsync(), TeacherRoles, outbox);
        var delete = f.ModuleDeleted(2, 1, 10, "assign", 100);

        await Assert.ThrowsAsync<InvalidOperationException>(() => applier.ApplyAnyAsync(delete, Ct));
        outbox.Failing = false;
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
