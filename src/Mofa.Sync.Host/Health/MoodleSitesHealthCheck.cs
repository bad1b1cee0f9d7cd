using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The configured Moodle sites, as the calls to them went (the token checked at start with
/// core_webservice_get_site_info, then every notification and reconcile call): degraded while a
/// site's last call failed (its token refused, not reachable, answering errors); a later success clears it.
/// </summary>
public sealed class MoodleSitesHealthCheck(MoodleSites sites, SiteHealth health, SecretRedactor redactor) : IHealthCheck
{
    public const string Name = "moodle-sites";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!sites.AreConfigured) return Task.FromResult(HealthCheckResult.Healthy("no Moodle site configured: nothing is sent to Moodle"));

        var failing = new List<string>();
        var fine = new List<string>();
        foreach (var site in sites.All.OrderBy(s => s.Url, StringComparer.Ordinal))
        {
            if (!site.HasToken) fine.Add($"{site.Url}: no token (not called)");
            else if (health.Of(site.Url).Current is { } failure) failing.Add($"{site.Url}: {HealthText.Failure(failure, redactor)}");
            else if (health.Of(site.Url).EverSucceeded) fine.Add($"{site.Url}: answering");
            else fine.Add($"{site.Url}: not called yet");
        }

        var text = string.Join("; ", failing.Concat(fine));
        return Task.FromResult(failing.Count > 0 ? HealthCheckResult.Degraded(text) : HealthCheckResult.Healthy(text));
    }
}
