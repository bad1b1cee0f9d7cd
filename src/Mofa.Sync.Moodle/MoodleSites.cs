using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Moodle;

/// <summary>
/// The Moodle sites the service serves (Moodle:Sites, or the one-site shorthand Moodle:BaseUrl and
/// Moodle:Token), by canonical wwwroot. The only source of a web service address and token: a
/// message's site selects a configured site here, never an address to call. With no site
/// configured every site is mirrored and nothing is sent to Moodle.
/// </summary>
public sealed class MoodleSites
{
    private readonly Dictionary<string, MoodleSite> _byUrl;

    /// <summary>The largest answer read from any site (Moodle:MaxResponseMegabytes).</summary>
    public int MaxResponseMegabytes { get; }

    public MoodleSites(MoodleOptions options)
    {
        MaxResponseMegabytes = options.MaxResponseMegabytes;
        _byUrl = new Dictionary<string, MoodleSite>(StringComparer.Ordinal);
        foreach (var s in options.ConfiguredSites())
        {
            var url = SiteAddress.Canonical(s.Url);
            _byUrl[url] = new MoodleSite(url, s.Token, s.Timeout ?? options.Timeout, s.RetryLimit ?? options.RetryLimit, s.RetryDelay ?? options.RetryDelay)
            {
                ReconcilePeriod = s.Reconcile.Period,
            };
        }
    }

    /// <summary>No sites: the demo, a first try. Every site is mirrored; notifications are recorded as not sent.</summary>
    public static MoodleSites None { get; } = new(new MoodleOptions());

    public IReadOnlyCollection<MoodleSite> All => _byUrl.Values;

    /// <summary>Whether at least one site is configured (then a message from any other site is invalid).</summary>
    public bool AreConfigured => _byUrl.Count > 0;

    /// <summary>The configured site with this canonical wwwroot, or null.</summary>
    public MoodleSite? Find(string canonicalUrl) => _byUrl.GetValueOrDefault(canonicalUrl);

    /// <summary>Null when a message from <paramref name="canonicalUrl"/> may be mirrored, else the reason it may not.</summary>
    public string? Refuse(string canonicalUrl) =>
        !AreConfigured || _byUrl.ContainsKey(canonicalUrl) ? null : NotConfigured(canonicalUrl);

    public static string NotConfigured(string canonicalUrl) => $"site {canonicalUrl} is not one of the configured Moodle sites";
}
