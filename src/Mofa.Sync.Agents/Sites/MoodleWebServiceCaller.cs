using Mofa.Sync.Agents.Notifications.Moodle;
using Mofa.Sync.Agents.Validation;
using Mofa.Sync.Agents.Telemetry;
using Polly.Timeout;

namespace Mofa.Sync.Agents.Sites;

/// <summary>
/// Calls one web service function on one configured site: POST {wwwroot}/webservice/rest/server.php
/// with that site's token in the form body (never in the address, so it cannot leak through a
/// logged URL), through that site's own HttpClient (<see cref="MoodleSiteHttpClients"/>). Every
/// call the service makes to Moodle goes through here: the notifications now, reading courses
/// back later. What is left after the HTTP retries becomes Moodle's answer (the body) or one of
/// the two Moodle exceptions, whose messages never carry the token.
/// </summary>
public sealed class MoodleWebServiceCaller(IHttpClientFactory clients, MoodleSites sites, HealthSignals health)
{
    /// <summary>The call, its outcome reported to the site's health signal (a refused token, a site down; a success clears it).</summary>
    public async Task<string> CallAsync(MoodleSite site, string function, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        try
        {
            var answer = await CallSiteAsync(site, function, parameters, ct);
            health.Site(site.Url).Succeeded();
            return answer;
        }
        catch (Exception ex) when (ex is MoodleRejectedException or MoodleUnavailableException)
        {
            health.Site(site.Url).Failed(ex.Message);
            throw;
        }
    }

    private async Task<string> CallSiteAsync(MoodleSite site, string function, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        // Only a site of the registry: its address, its token and its redirect-free client belong together.
        if (sites.Find(site.Url) != site) throw new InvalidOperationException($"{site.Url} is not a configured Moodle site");
        if (!site.HasToken) throw new InvalidOperationException($"Moodle site {site.Url} has no web service token");

        var form = new List<KeyValuePair<string, string>>
        {
            new("wstoken", site.Token),
            new("wsfunction", function),
            new("moodlewsrestformat", "json"),
        };
        form.AddRange(parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, site.Endpoint) { Content = new FormUrlEncodedContent(form) };

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(site.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            throw new MoodleUnavailableException($"Moodle at {site.Url} did not answer within {site.Timeout} ({Tries(site)})");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            // Permanent: the same call gets the same oversized answer.
            throw new MoodleRejectedException("response-too-large",
                $"Moodle at {site.Url} answered {function} with more than {sites.MaxResponseMegabytes} MB (Moodle:MaxResponseMegabytes); the answer was not read. "
                + "If the site's answers are that large, raise the setting, then replay the message from the error queue.");
        }
        catch (HttpRequestException ex)
        {
            throw new MoodleUnavailableException($"Moodle at {site.Url} could not be reached ({Tries(site)}): {site.Redact(ex.Message)}");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                // Permanent: the same address answers the same way until the setting changes.
                throw new MoodleRejectedException("redirect",
                    $"Moodle at {site.Url} answered with a redirect to another address (HTTP {status}{Target(site, response)}); "
                    + "redirects are not followed so the token cannot leave the site. If the site has moved, set its Url in Moodle:Sites to the new wwwroot, then replay the message from the error queue.");
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new MoodleUnavailableException($"Moodle at {site.Url} answered HTTP {status} {response.ReasonPhrase} ({Tries(site)})");
            }

            if (MoodleAnswer.ReadError(body) is { } error)
            {
                var text = site.Redact($"Moodle refused {function} at {site.Url}: {error.ErrorCode} ({error.Message})");
                if (error.IsPermanent)
                {
                    throw new MoodleRejectedException(error.ErrorCode,
                        text + ". Retrying cannot help: check the site's web service token (Moodle:Sites) and its capabilities, then replay the message from the error queue.");
                }

                throw new MoodleUnavailableException(text + $" ({Tries(site)})", error.ErrorCode);
            }

            return body;
        }
    }

    private static string Tries(MoodleSite site) => site.RetryLimit == 0 ? "no retries" : $"after {site.RetryLimit} retries";

    /// <summary>Where the redirect points, without its query (which could carry anything), cut short.</summary>
    private static string Target(MoodleSite site, HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null) return "";
        // No user information, no query: only where it points.
        var where = location.IsAbsoluteUri ? $"{location.Scheme}://{location.Authority}{location.AbsolutePath}" : location.OriginalString.Split('?', '#')[0];
        return $" to {Echo.Cut(site.Redact(where))}";
    }
}
