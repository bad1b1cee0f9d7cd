namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// The reconcile of one course in progress, for the calls it makes: whether it is the rolling pass's (which yields
/// the site's budget to event-driven work) and how many web service calls it used. It flows with the async call
/// (an AsyncLocal), so the reader's calls reach <see cref="SitePacer"/> without each passing it on.
/// </summary>
public sealed class ReconcileWork
{
    private static readonly AsyncLocal<ReconcileWork?> Ambient = new();
    private int _calls;

    private ReconcileWork(bool rolling) => Rolling = rolling;

    /// <summary>The rolling pass's work: it takes only the call slots event-driven reconciles leave free.</summary>
    public bool Rolling { get; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The work the current async flow belongs to, or null outside one.</summary>
    public static ReconcileWork? Current => Ambient.Value;

    /// <summary>Starts counting the calls of the current async flow (and of what it awaits).</summary>
    public static ReconcileWork Begin(bool rolling) => Ambient.Value = new ReconcileWork(rolling);

    internal void CountCall() => Interlocked.Increment(ref _calls);
}
