using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Mofa.Sync.Moodle;

/// <summary>
/// One named HttpClient per configured site, and the pieces that call Moodle through them:
/// <list type="bullet">
/// <item>automatic redirects off on the primary handler: a redirect would take the token (in the
///   form body of a 307/308) to wherever the answer points; <see cref="MoodleWebServiceCaller"/>
///   turns a 3xx into an error instead;</item>
/// <item>each try limited to the site's Timeout, the answer's body included (<see cref="MoodleAnswerBuffer"/>
///   reads it inside the try: a peer that sends headers and then trickles the body cannot hold a
///   call longer), and up to its RetryLimit retries with exponential back-off and jitter
///   (Microsoft.Extensions.Http.Resilience, i.e. Polly) for HTTP 5xx, 408, 429, timeouts, refused
///   connections, and Moodle's HTTP-200 error answers that are not permanent; a Retry-After is
///   honoured up to <see cref="MaxRetryDelay"/>.</item>
/// </list>
/// </summary>
public static class MoodleSiteHttpClients
{
    /// <summary>
    /// The longest wait before a retry, a Retry-After included: Polly's MaxDelay does not cap the delay
    /// a Retry-After gives, and an answer saying "Retry-After: 86400" would hold the call for a day.
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddMoodleSites(this IServiceCollection services, MoodleOptions options)
    {
        var sites = new MoodleSites(options);
        services.AddSingleton(sites);
        // The factory itself, for a service with no site configured (nothing is then ever called).
        services.AddHttpClient();
        var maxResponseBytes = options.MaxResponseMegabytes * 1024L * 1024L;
        foreach (var site in sites.All)
        {
            var client = services.AddHttpClient(site.HttpClientName, c =>
                {
                    c.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
                    c.MaxResponseContentBufferSize = maxResponseBytes;
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
                // The caller logs what matters itself; the default handler logs every request line.
                .RemoveAllLoggers();
            client.AddResilienceHandler("moodle", (pipeline, context) =>
            {
                if (site.RetryLimit > 0)
                {
                    // Polly's own log (every attempt, with a stack trace) is off by default: one short line per retry instead.
                    var logger = context.ServiceProvider.GetRequiredService<ILogger<MoodleWebServiceCaller>>();
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = site.RetryLimit,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = site.RetryDelay,
                        MaxDelay = MaxRetryDelay,
                        ShouldHandle = args => ShouldRetryAsync(args, maxResponseBytes),
                        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                        OnRetry = args =>
                        {
                            logger.LogWarning("Moodle at {Site}: {Reason}; retry {Retry} of {RetryLimit} in {Delay:0.0} s",
                                site.Url, MoodleWebServiceCaller.Quote(site, args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode} with an error answer"),
                                args.AttemptNumber + 1, site.RetryLimit, args.RetryDelay.TotalSeconds);
                            return ValueTask.CompletedTask;
                        },
                    });
                }

                // Inside the retry: each try gets its own time limit.
                pipeline.AddTimeout(site.Timeout);
            });
            // Added after the resilience handler, so inside each try's time limit: the try reads the whole answer, up to the size limit.
            client.AddHttpMessageHandler(() => new MoodleAnswerBuffer(maxResponseBytes));
        }

        services.TryAddSingleton<SiteHealth>();
        services.AddSingleton<MoodleWebServiceCaller>();
        return services;
    }

    /// <summary>What the answer's Retry-After asks for, at most <see cref="MaxRetryDelay"/>; null: the back-off decides.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is not { } w) return null;
        return w <= TimeSpan.Zero ? TimeSpan.Zero : w < MaxRetryDelay ? w : MaxRetryDelay;
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, long maxBytes)
    {
        // An answer over the size limit comes back the same every time; a redirect is not a passing failure either.
        if (args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded }) return false;
        if (HttpClientResiliencePredicates.IsTransient(args.Outcome)) return true;
        if (args.Outcome.Result is not { IsSuccessStatusCode: true } response) return false;

        // Moodle reports errors with HTTP 200: look into the body (buffered by MoodleAnswerBuffer, so the caller reads it again).
        // A body in an unknown character set is no error object: the caller reports it.
        await response.Content.LoadIntoBufferAsync(maxBytes, args.Context.CancellationToken);
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(args.Context.CancellationToken));
        return MoodleAnswer.ReadError(body) is { IsPermanent: false };
    }
}
