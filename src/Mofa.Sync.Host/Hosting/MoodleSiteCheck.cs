using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// At start, checks each configured site's token with core_webservice_get_site_info (through
/// <see cref="MoodleWebServiceCaller"/>, so the outcome is the site's health signal): one line when
/// it is accepted, a warning when it is refused or the site cannot be reached, and the site is then
/// degraded in the health report until a call succeeds. In the background: a Moodle that is down
/// does not hold up the start, and nothing stops for it.
/// </summary>
public sealed class MoodleSiteCheck(MoodleSites sites, MoodleWebServiceCaller caller, ILogger<MoodleSiteCheck> logger) : BackgroundService
{
    public const string Function = "core_webservice_get_site_info";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var site in sites.All.Where(s => s.HasToken))
        {
            try
            {
                var answer = await caller.CallAsync(site, Function, [], stoppingToken);
                Report(site, answer);
            }
            catch (MoodleRejectedException ex)
            {
                logger.LogWarning("Moodle site {Site}: the token was refused ({Reason}); notifications and reconciles of this site fail until it is fixed (Moodle:Sites)",
                    site.Url, ex.Message);
            }
            catch (MoodleUnavailableException ex)
            {
                logger.LogWarning("Moodle site {Site} could not be checked at start: {Reason}", site.Url, ex.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Who the token belongs to, and the notification function it needs when the token's service lacks it.</summary>
    private void Report(MoodleSite site, string answer)
    {
        string? user = null, release = null;
        var functions = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            user = root.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            release = root.TryGetProperty("release", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (root.TryGetProperty("functions", out var f) && f.ValueKind == JsonValueKind.Array)
            {
                foreach (var fn in f.EnumerateArray())
                {
                    if (fn.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String) functions.Add(n.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
            // Moodle answered 200 with something else: the calls that need its answer will say so.
        }

        logger.LogInformation("Moodle site {Site}: token accepted (user {User}, Moodle {Release})", site.Url, Echo.Cut(user), Echo.Cut(release));
        if (!functions.Contains(MoodleMessageClient.Function))
        {
            logger.LogWarning("Moodle site {Site}: the token's web service does not include {Function}; teachers' notifications will be refused (add it to the service)",
                site.Url, MoodleMessageClient.Function);
        }
    }
}
