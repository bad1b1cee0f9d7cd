using System.Text;
using Mofa.Sync.Contracts.Text;
using Polly.Timeout;

namespace Mofa.Sync.Moodle;

/// <summary>
/// Calls one web service function on one configured site: POST {wwwroot}/webservice/rest/server.php
/// with that site's token in the form body (never in the address, so it cannot leak through a
/// logged URL), through that site's own HttpClient (<see cref="MoodleSiteHttpClients"/>: each try,
/// its answer's body included, within the site's Timeout). Every call the service makes to Moodle
/// goes through here. Whatever comes back ends the call in one of four ways: Moodle's answer (the
/// body), <see cref="MoodleRejectedException"/> (permanent), <see cref="MoodleUnavailableException"/>
/// (passing) or <see cref="MoodleUnreadableAnswerException"/> (an HTTP 2xx answer that cannot be
/// read); every text in them that came from the answer is quoted by <see cref="Quote"/>: the
/// token masked, control characters escaped, cut short.
/// </summary>
public sealed class MoodleWebServiceCaller(IHttpClientFactory clients, MoodleSites sites, SiteHealth health)
{
    /// <summary>How much of a text from an answer (a reason phrase, Moodle's error message, a body) a reason quotes.</summary>
    public const int MaxQuotedLength = 300;

    /// <summary>The call, its outcome reported to the site's health signal (a refused token, a site down; a success clears it).</summary>
    public async Task<string> CallAsync(MoodleSite site, string function, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        try
        {
            var answer = await CallSiteAsync(site, function, parameters, ct);
            health.Of(site.Url).Succeeded();
            return answer;
        }
        catch (Exception ex) when (ex is MoodleRejectedException or MoodleUnavailableException)
        {
            health.Of(site.Url).Failed(ex.Message);
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
            throw new MoodleUnavailableException($"Moodle at {site.Url} did not answer within {site.Timeout} (Moodle:Timeout, for the whole answer: headers and body; {Tries(site)})");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            // Permanent: the same call gets the same oversized answer.
            throw new MoodleRejectedException("response-too-large",
                $"Moodle at {site.Url} answered {function} with more than {sites.MaxResponseMegabytes} MB (Moodle:MaxResponseMegabytes); the answer was not read. "
                + "If the site's answers are that large, raise the setting, then replay the message from the error queue.");
        }
        catch (Exception ex)
        {
            // Refused connections, broken answers (a bad status line, a body cut short) and anything else the HTTP stack throws.
            throw new MoodleUnavailableException($"Moodle at {site.Url} could not be reached ({Tries(site)}): {Quote(site, ex.Message)}");
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

            if (!response.IsSuccessStatusCode)
            {
                // The body (a maintenance page, a proxy's error page) is not read: the status says enough.
                throw new MoodleUnavailableException($"Moodle at {site.Url} answered HTTP {status} {Quote(site, response.ReasonPhrase)} ({Tries(site)})");
            }

            var body = Decode(site, function, response.Content.Headers.ContentType?.CharSet, await response.Content.ReadAsByteArrayAsync(ct));
            if (MoodleAnswer.ReadError(body) is { } error)
            {
                var text = $"Moodle refused {function} at {site.Url}: {Quote(site, error.ErrorCode)} ({Quote(site, error.Message)})";
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

    /// <summary>
    /// A text that came from a site's answer, fit for a log line, a reason, a header or a terminal:
    /// the site's token masked (before anything is cut, so no part of it is left), at most
    /// <paramref name="max"/> characters, control characters written as \uXXXX (<see cref="PlainText.Escape"/>).
    /// </summary>
    public static string Quote(MoodleSite site, string? text, int max = MaxQuotedLength)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var masked = site.Redact(text);
        return masked.Length <= max
            ? PlainText.Escape(masked)
            : string.Concat(PlainText.Escape(masked[..max]), $"… ({masked.Length} characters)");
    }

    /// <summary>The first characters of an answer, quoted: enough to recognise a maintenance page or a proxy's.</summary>
    public static string QuoteStart(MoodleSite site, string body) => Quote(site, body.TrimStart(), 80);

    /// <summary>
    /// The body as text in its declared character set (Moodle's is UTF-8), without a leading byte
    /// order mark (a PHP file saved with one puts it before the JSON); a character set that is not
    /// known makes the answer unreadable.
    /// </summary>
    private static string Decode(MoodleSite site, string function, string? charset, byte[] body)
    {
        Encoding encoding;
        try
        {
            encoding = string.IsNullOrWhiteSpace(charset) ? Encoding.UTF8 : Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (ArgumentException)
        {
            throw new MoodleUnreadableAnswerException(
                $"Moodle at {site.Url} answered {function} in a character set this service does not know ('{Quote(site, charset)}'; Moodle's web services answer in UTF-8): the answer could not be read");
        }

        var text = encoding.GetString(body);
        return text.StartsWith('\uFEFF') ? text[1..] : text;
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
