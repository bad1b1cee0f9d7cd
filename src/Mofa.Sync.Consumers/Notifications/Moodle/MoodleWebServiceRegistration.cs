using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace Mofa.Sync.Consumers.Notifications.Moodle;

/// <summary>
/// The Moodle web service client with its resilience: each try limited to Moodle:Timeout, and
/// up to Moodle:RetryLimit retries with exponential back-off and jitter (Microsoft.Extensions.Http.Resilience,
/// i.e. Polly) for HTTP 5xx, 408, 429, timeouts, refused connections, and Moodle's HTTP-200 error
/// answers that are not permanent.
/// </summary>
public static class MoodleWebServiceRegistration
{
    public static IServiceCollection AddMoodleWebService(this IServiceCollection services, MoodleOptions options)
    {
        services.AddSingleton(options);
        services.AddHttpClient<MoodleWebServiceClient>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            // The client logs what matters itself; the default handler logs every request line.
            .RemoveAllLoggers()
            .AddResilienceHandler("moodle", pipeline =>
            {
                if (options.RetryLimit > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.RetryLimit,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryDelay,
                        MaxDelay = TimeSpan.FromMinutes(1),
                        ShouldHandle = ShouldRetryAsync,
                    });
                }

                // Inside the retry: each try gets its own time limit.
                pipeline.AddTimeout(options.Timeout);
            });
        return services;
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (HttpClientResiliencePredicates.IsTransient(args.Outcome)) return true;
        if (args.Outcome.Result is not { IsSuccessStatusCode: true } response) return false;

        // Moodle reports errors with HTTP 200: look into the body (buffered, so the caller reads it again).
        await response.Content.LoadIntoBufferAsync(args.Context.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(args.Context.CancellationToken);
        return MoodleAnswer.ReadError(body) is { IsPermanent: false };
    }
}
