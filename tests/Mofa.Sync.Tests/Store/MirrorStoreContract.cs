using System.Text;
using System.Text.Json.Nodes;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Mirror.Notifications;
using Xunit;
using Xunit.Sdk;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The store contract: the apply rules (MirrorApplier) driven through a store and read back with
/// ReadAllAsync. Written once; every store adapter runs it through a concrete subclass.
/// Part 1: the plumbing every test uses.
/// </summary>
public abstract partial class MirrorStoreContract : IAsyncLifetime
{
    protected static readonly ISet<string> TeacherRoles = new HashSet<string>(StringComparer.Ordinal) { "editingteacher", "manager" };

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IMirrorStore? _store;
    private MirrorApplier? _applier;
    private INotificationStore? _notifications;

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>Throws Skip when the store cannot be tested here; called before the store is created.</summary>
    protected virtual void SkipUnlessAvailable()
    {
    }

    /// <summary>A new, empty store (not yet initialized), whose writes keep the change outbox as <paramref name="outbox"/> says.</summary>
    protected abstract IMirrorStore CreateStore(ChangeOutboxSettings outbox);

    /// <summary>The change outbox of the store under test, set before its first use: off (nothing recorded) unless a test says otherwise.</summary>
    protected ChangeOutboxSettings Outbox { get; set; } = ChangeOutboxSettings.Off;

    /// <summary>Removes whatever <see cref="CreateStore"/> made, after the store is disposed.</summary>
    protected virtual Task DestroyStoreAsync() => Task.CompletedTask;

    /// <summary>The notification store on the same database as <paramref name="mirror"/>, as the service builds it (not yet initialized).</summary>
    protected abstract INotificationStore CreateNotificationStore(IMirrorStore mirror);

    /// <summary>Removes a digest behind the store's back (the way a clean-up by hand would).</summary>
    protected abstract Task DeleteDigestAsync(string digestId);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_notifications is not null) await _notifications.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
            await DestroyStoreAsync();
        }

        _timeout.Dispose();
        _opening.Dispose();
    }

    /// <summary>The store under test, created and initialized on first use (after the skip check).</summary>
    protected async Task<IMirrorStore> StoreAsync()
    {
        SkipUnlessAvailable();
        await _opening.WaitAsync(Ct);
        try
        {
            if (_store is null)
            {
                var store = CreateStore(Outbox);
                await store.InitializeAsync(Ct);
                _applier = new MirrorApplier(store, TeacherRoles);
                _store = store;
            }

            return _store;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>The notification store under test, created and initialized on first use, on the mirror store's database.</summary>
    protected async Task<INotificationStore> NotificationsAsync()
    {
        var mirror = await StoreAsync();
        await _opening.WaitAsync(Ct);
        try
        {
            if (_notifications is null)
            {
                var store = CreateNotificationStore(mirror);
                await store.InitializeAsync(Ct);
                _notifications = store;
            }

            return _notifications;
        }
        finally
        {
            _opening.Release();
        }
    }

    protected async Task<ApplyResult> Apply(MoodleEvent e)
    {
        await StoreAsync();
        return await _applier!.ApplyAnyAsync(e, Ct);
    }

    protected async Task ApplyAll(params MoodleEvent[] events)
    {
        foreach (var e in events) await Apply(e);
    }

    protected async Task<MirrorDocument?> Find(DocumentRef target) =>
        (await (await StoreAsync()).ReadAllAsync(target.Collection, Ct)).SingleOrDefault(d => d.Key == target.Key);

    protected async Task<MirrorDocument> Get(DocumentRef target) =>
        await Find(target) ?? throw new XunitException($"{target.Collection} '{target.Key}' is not in the mirror");

    /// <summary>The data of a live (not deleted, not placeholder) document.</summary>
    protected async Task<T> Live<T>(DocumentRef target) where T : class
    {
        var doc = await Get(target);
        Assert.False(doc.Deleted, $"{target.Key} should be live, is a tombstone at {doc.Version}");
        Assert.False(doc.Placeholder, $"{target.Key} should be live, is a placeholder");
        return MirrorData.As<T>(doc) ?? throw new XunitException($"{target.Key} has no data");
    }

    /// <summary>A tombstone at exactly the version of <paramref name="deletedBy"/>, with no data.</summary>
    protected async Task AssertTombstone(DocumentRef target, MoodleEvent deletedBy)
    {
        var doc = await Get(target);
        Assert.True(doc.Deleted, $"{target.Key} should be a tombstone, is live at {doc.Version}");
        Assert.Equal(EventVersion.Of(deletedBy), doc.Version);
        Assert.False(doc.Placeholder);
        Assert.Null(doc.Data);
    }

    protected async Task<MirrorExport> Export() => await MirrorExport.ReadAsync(await StoreAsync(), includeTombstones: false, Ct);

    protected async Task<IReadOnlyList<MirrorDocument>> All(MirrorCollection c) => await (await StoreAsync()).ReadAllAsync(c, Ct);

    /// <summary>
    /// Everything the store holds for one site except the write times, as text: the site replaced
    /// by {site} so two sites fed the same scenario compare equal, data with sorted properties so
    /// the comparison does not depend on how a store orders fields.
    /// </summary>
    protected async Task<string> Snapshot(string site)
    {
        var text = new StringBuilder();
        foreach (var c in MirrorCollectionNames.All)
        {
            foreach (var d in (await All(c)).Where(d => d.Site == site).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                text.Append(MirrorCollectionNames.NameOf(c)).Append(' ').Append(d.Key)
                    .Append(" course=").Append(d.CourseId).Append(" user=").Append(d.UserId)
                    .Append(" v=").Append(d.Version).Append(d.Deleted ? " DELETED" : "").Append(d.Placeholder ? " PLACEHOLDER" : "")
                    .Append(" data=").Append(d.Data is null ? "null" : Canonical(d.Data)!.ToJsonString())
                    .AppendLine();
            }
        }

        return text.ToString().Replace(site, "{site}", StringComparison.Ordinal);
    }

    protected static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Canonical(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>
    /// Applies the scenario in every order of its events, each order on a site of its own, and
    /// checks that every order ends in the same mirror and passes <paramref name="expect"/>.
    /// </summary>
    protected async Task InEveryOrder(Func<EventFactory, MoodleEvent[]> scenario, Func<EventFactory, Task> expect)
    {
        await StoreAsync();
        var orders = Permutations(Enumerable.Range(0, scenario(new EventFactory()).Length).ToArray()).ToList();
        string? first = null;
        for (var i = 0; i < orders.Count; i++)
        {
            var f = new EventFactory($"https://order{i}.moodle.example");
            var events = scenario(f);
            var order = orders[i];
            var described = string.Join(", ", order.Select(n => $"{n}:{events[n].GetType().Name}"));
            foreach (var n in order) await Apply(events[n]);
            try
            {
                await expect(f);
                var snapshot = await Snapshot(f.Site);
                if (first is null) first = snapshot;
                else Assert.Equal(first, snapshot);
            }
            catch (XunitException ex)
            {
                throw new XunitException($"applied in the order [{described}]: {ex.Message}");
            }
        }

        Assert.True(orders.Count > 1);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest)) yield return [items[i], .. tail];
        }
    }
}
