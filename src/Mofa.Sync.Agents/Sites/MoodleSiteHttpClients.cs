using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Agents.Notifications.Moodle;
using Mofa.Sync.Agents.Telemetry;
using Polly;
using Polly.Retry;

namespace Mofa.Sync.Agents.Sites;

/// <summary>
/// One named HttpClient per configured site, and the pieces that call Moodle through them:
/// <list type="bullet">
/// <item>automatic redirects off on the primary handler: a redirect would take the token (in the
///   form body of a 307/308) to wherever the answer points; <see cref="MoodleWebServiceCaller"/>
///   turns a 3xx into an error instead;</item>
/// <item>each try limited to the site's Timeout, and up to its RetryLimit retries with exponential
///   back-off and jitter (Microsoft.Extensions.Http.Resilience, i.e. Polly) for HTTP 5xx, 408, 429,
///   timeouts, refused connections, and Moodle's HTTP-200 error answers that are not permanent.</item>
/// </list>
/// </summary>
public static class MoodleSiteHttpClients
{
    public static IServiceCollection AddMoodleSites(this IServiceCollection services, MoodleOptions options)
    {
        var sites = new MoodleSites(options);
        services.AddSingleton(sites);
        // The factory itself, for a service with no site configured (nothing is then ever called).
        services.AddHttpClient();
        var maxResponseBytes = options.MaxResponseMegabytes * 1024L * 1024L;
        foreach (var site in sites.All)
        {
            services.AddHttpClient(site.HttpClientName, c =>
                {
                    c.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
                    c.MaxResponseContentBufferSize = maxResponseBytes;
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
                // The caller logs what matters itself; the default handler logs every request line.
                .RemoveAllLoggers()
                .AddResilienceHandler("moodle", (pipeline, context) =>
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
                            MaxDelay = TimeSpan.FromMinutes(1),
                            ShouldHandle = args => ShouldRetryAsync(args, maxResponseBytes),
                            OnRetry = args =>
                            {
                                logger.LogWarning("Moodle at {Site}: {Reason}; retry {Retry} of {RetryLimit} in {Delay:0.0} s",
                                    site.Url, site.Redact(args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode} with an error answer"),
                                    args.AttemptNumber + 1, site.RetryLimit, args.RetryDelay.TotalSeconds);
                                return ValueTask.CompletedTask;
                            },
                        });
                    }

                    // Inside the retry: each try gets its own time limit.
                    pipeline.AddTimeout(site.Timeout);
                });
        }

        services.TryAddSingleton<HealthSignals>();
        services.AddSingleton<MoodleWebServiceCaller>();
        services.AddSingleton<MoodleWebServiceClient>();
        return services;
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, long maxBytes)
    {
        // A redirect is not a passing failure: it is answered the same way every time.
        if (HttpClientResiliencePredicates.IsTransient(args.Outcome)) return true;
        if (args.Outcome.Result is not { IsSuccessStatusCode: true } response) return false;

        // Moodle reports errors with HTTP 200: look into the body (buffered, so the caller reads it again).
        // Bounded like the client's own buffer: a larger answer throws (ConfigurationLimitExceeded), reported by the caller.
        await response.Content.LoadIntoBufferAsync(maxBytes, args.Context.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(args.Context.CancellationToken);
        return MoodleAnswer.ReadError(body) is { IsPermanent: false };
    }
}
