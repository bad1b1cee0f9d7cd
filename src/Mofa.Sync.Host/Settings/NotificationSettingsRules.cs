using System.Globalization;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// The rules of sections Moodle and Notifications (called by SettingsValidator). Neither a token
/// nor a site address is shown (an address may carry a password): only the setting's name.
/// </summary>
public static class NotificationSettingsRules
{
    public static void Check(MofaSyncSettings s, Action<bool, string, string> check)
    {
        var moodle = s.Moodle;
        check(moodle.Sites.Count == 0 || (moodle.BaseUrl.Length == 0 && moodle.Token.Length == 0), "Moodle:BaseUrl",
            "and Moodle:Token are the shorthand for one site: with Moodle:Sites, leave them empty and give each site its Url and Token");
        check(moodle.Token.Length == 0 || moodle.BaseUrl.Length > 0 || moodle.Sites.Count > 0, "Moodle:Token",
            "belongs to one Moodle site: set Moodle:BaseUrl to that site's wwwroot (or list the sites with their tokens in Moodle:Sites, "
            + "MOFASYNC__MOODLE__SITES__0__URL and MOFASYNC__MOODLE__SITES__0__TOKEN); a token is never sent to a site taken from a message");
        if (moodle.Sites.Count == 0)
        {
            Site(moodle.BaseUrl.Length == 0 ? null : moodle.BaseUrl, moodle.Token, "Moodle:BaseUrl", "Moodle:Token", check);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < moodle.Sites.Count; i++)
        {
            var site = moodle.Sites[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"Moodle:Sites:{i}");
            var url = Site(site.Url, site.Token, key + ":Url", key + ":Token", check);
            if (url is not null && seen.TryGetValue(url, out var first))
            {
                check(false, key + ":Url", string.Create(CultureInfo.InvariantCulture, $"names the same site as Moodle:Sites:{first}:Url: list each site once"));
            }
            else if (url is not null)
            {
                seen[url] = i;
            }

            check(site.Timeout is null || Within(site.Timeout.Value), key + ":Timeout", "must be positive and at most 00:10:00, like 00:00:30 (or empty: Moodle:Timeout)");
            check(site.RetryLimit is null or (>= 0 and <= 20), key + ":RetryLimit", $"must be between 0 and 20 (got {site.RetryLimit}), or empty: Moodle:RetryLimit");
            check(site.RetryDelay is null || (site.RetryDelay > TimeSpan.Zero && site.RetryDelay <= TimeSpan.FromMinutes(10)), key + ":RetryDelay",
                "must be positive and at most 00:10:00, like 00:00:01 (or empty: Moodle:RetryDelay)");
            check(site.Reconcile.Period is null || (site.Reconcile.Period >= MinReconcilePeriod && site.Reconcile.Period <= MaxReconcilePeriod), key + ":Reconcile:Period",
                $"must be between {MinReconcilePeriod:c} and {MaxReconcilePeriod:c}, like 1.00:00:00 (or empty: no rolling reconcile)");
            check(site.Reconcile.Period is null || site.Token.Length > 0, key + ":Reconcile:Period",
                "needs the site's Token: the rolling reconcile reads the site's web services");
        }

        check(Within(moodle.Timeout), "Moodle:Timeout", "must be positive and at most 00:10:00, like 00:00:30");
        check(moodle.RetryLimit is >= 0 and <= 20, "Moodle:RetryLimit", $"must be between 0 and 20 (got {moodle.RetryLimit})");
        check(moodle.MaxResponseMegabytes is >= 1 and <= 1024, "Moodle:MaxResponseMegabytes", $"must be between 1 and 1024 (got {moodle.MaxResponseMegabytes})");
        check(moodle.RetryDelay > TimeSpan.Zero && moodle.RetryDelay <= TimeSpan.FromMinutes(10), "Moodle:RetryDelay", "must be positive and at most 00:10:00, like 00:00:01");
        check(s.Notifications.DigestWindow >= TimeSpan.Zero && s.Notifications.DigestWindow <= TimeSpan.FromDays(1),
            "Notifications:DigestWindow", "must be between 00:00:00 (send at once) and 1.00:00:00, like 00:01:00");
        check(s.Notifications.MaxDigestsPerSecond is >= 1 and <= 1000, "Notifications:MaxDigestsPerSecond",
            $"must be between 1 and 1000 (got {s.Notifications.MaxDigestsPerSecond})");
    }

    /// <summary>Checks one site's address and token; returns its canonical address when it has a valid one.</summary>
    private static string? Site(string? url, string token, string urlKey, string tokenKey, Action<bool, string, string> check)
    {
        string? canonical = null;
        if (url is not null)
        {
            canonical = SiteAddress.Canonicalize(url, out var why);
            check(canonical is not null, urlKey, $"must be the site's wwwroot, like https://moodle.example.edu or https://uni.example/moodle: {why}");
        }

        check(token.Length == 0 || (token.Trim() == token && !token.Any(char.IsWhiteSpace)),
            tokenKey, "must be a web service token without spaces (or empty: nothing is sent to this site)");
        return canonical;
    }

    private static readonly TimeSpan MinReconcilePeriod = TimeSpan.FromSeconds(10), MaxReconcilePeriod = TimeSpan.FromDays(366);

    private static bool Within(TimeSpan t) => t > TimeSpan.Zero && t <= TimeSpan.FromMinutes(10);
}
