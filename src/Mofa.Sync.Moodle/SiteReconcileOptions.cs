namespace Mofa.Sync.Moodle;

/// <summary>
/// Moodle:Sites:{n}:Reconcile (environment: MOFASYNC__MOODLE__SITES__0__RECONCILE__PERIOD): the rolling
/// reconcile of this site, which reads every course of the site back from its web services once per period.
/// </summary>
public sealed class SiteReconcileOptions
{
    /// <summary>
    /// Every course of the site is verified against Moodle once within this period (one pass per period, led by one
    /// service instance, paced by Reconcile:CallsPerSecond shared by all instances). Empty: no rolling reconcile.
    /// </summary>
    public TimeSpan? Period { get; set; }
}
