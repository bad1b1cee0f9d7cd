namespace Mofa.Sync.Moodle;

/// <summary>
/// One entry of Moodle:Sites (environment: MOFASYNC__MOODLE__SITES__0__URL, …__TOKEN, …): a Moodle
/// site the service serves. The timeout and retry settings fall back to the Moodle section's own.
/// </summary>
public sealed class MoodleSiteOptions
{
    /// <summary>The site's wwwroot ($CFG->wwwroot), in any form that canonicalises (docs/contract.md).</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// This site's web service token. A secret: it is sent to this site's address only, and never
    /// logged, put in an error message or a header. Empty: the site is mirrored, its notifications
    /// are recorded as not sent.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>How long one call to this site may take; empty: Moodle:Timeout.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Retries of a call to this site that failed for a passing reason; empty: Moodle:RetryLimit.</summary>
    public int? RetryLimit { get; set; }

    /// <summary>The first retry's delay for this site; empty: Moodle:RetryDelay.</summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>The rolling reconcile of this site (off unless its period is set).</summary>
    public SiteReconcileOptions Reconcile { get; set; } = new();
}
