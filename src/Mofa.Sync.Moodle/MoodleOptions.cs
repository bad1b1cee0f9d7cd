namespace Mofa.Sync.Moodle;

/// <summary>
/// Section Moodle (environment: MOFASYNC__MOODLE__…): the Moodle sites the service serves and how
/// their web services are called. List the sites in <see cref="Sites"/>; for one site,
/// <see cref="BaseUrl"/> and <see cref="Token"/> are a shorthand for a list of one.
/// </summary>
public sealed class MoodleOptions
{
    /// <summary>The sites, each with its own wwwroot and token (MOFASYNC__MOODLE__SITES__0__URL, …__TOKEN).</summary>
    public List<MoodleSiteOptions> Sites { get; set; } = [];

    /// <summary>Shorthand for one site: its wwwroot. Empty (and no Sites): no site configured.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>
    /// Shorthand for one site: the token of <see cref="BaseUrl"/>. A secret: never logged, never in
    /// an error message or a header. Empty: notifications are recorded as not sent.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>How long one call may take before it counts as failed (and is retried); a site may set its own.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that failed for a passing reason (HTTP 5xx, timeout, refused connection); a site may set its own.</summary>
    public int RetryLimit { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter. A site may set its own.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest answer read from a Moodle site (a big course's contents, read by reconcile, is
    /// the largest expected): a site that answers more fails the call, for good, instead of
    /// filling the service's memory.
    /// </summary>
    public int MaxResponseMegabytes { get; set; } = 32;

    /// <summary>The sites as configured: <see cref="Sites"/>, or the one the shorthand names.</summary>
    public IReadOnlyList<MoodleSiteOptions> ConfiguredSites() =>
        Sites.Count > 0 || BaseUrl.Length == 0 ? Sites : [new MoodleSiteOptions { Url = BaseUrl, Token = Token }];

    /// <summary>Every configured token (for masking them in text that comes from elsewhere).</summary>
    public IEnumerable<string> Tokens() => ConfiguredSites().Select(s => s.Token).Append(Token).Where(t => t.Length > 0).Distinct();

    public override string ToString() => $"{ConfiguredSites().Count} Moodle site(s)";
}
