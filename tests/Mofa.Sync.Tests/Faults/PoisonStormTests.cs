using System.Net;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Fault 4: 1,000 invalid messages mixed into 10,000 valid ones. Every valid one is applied,
/// every invalid one lands in _error once with its reason (no retry loop), and the service stays
/// ready throughout.
/// </summary>
public sealed class PoisonStormTests
{
    private const int Valid = 10_000;
    private const int Invalid = 1_000;

    [Fact]
    public async Task A_poison_storm_dead_letters_every_invalid_message_once_applies_every_valid_one_and_stays_ready()
    {
        var (history, expected) = FaultRun.History(seed: 4, length: Valid);
        var poison = PoisonMessages.From(history, Invalid);
        var random = new Random(4);
        var deliveries = history.Select(BridgeBody.Of).Concat(poison).OrderBy(_ => random.Next()).ToList();

        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env);
        await service.WaitUntilReadyAsync();

        // Readiness is polled the whole time the storm lasts.
        using var stopPolling = new CancellationTokenSource();
        var polling = PollReadinessAsync(service, stopPolling.Token);

        await env.PublishAsync(deliveries);
        await FaultRun.WaitUntilSettledAsync(env, deliveries.Count, service);
        await stopPolling.CancelAsync();
        var (polls, notReady) = await polling;

        Assert.True(polls > 0, "readiness was never polled");
        Assert.True(notReady.Count == 0, $"{notReady.Count} of {polls} readiness polls failed, e.g. {notReady.FirstOrDefault()}");

        // Each message was received exactly once: no invalid message went round a retry loop.
        var metrics = await service.ScrapeAsync();
        Assert.Equal(deliveries.Count, metrics.Sum(FaultRun.Received));
        Assert.Equal(Invalid, metrics.Sum(FaultRun.Outcomes, ("outcome", "invalid")));
        Assert.Equal(0, metrics.Sum(FaultRun.Outcomes, ("outcome", "faulted")));
        Assert.Equal(Valid, metrics.Sum(FaultRun.Outcomes) - Invalid);

        var dead = new List<ErrorQueueMessage>();
        foreach (var agent in Enum.GetValues<SyncAgent>()) dead.AddRange(await env.ErrorQueueAsync(agent));
        Assert.Equal(Invalid, dead.Count);
        Assert.All(dead, m => Assert.False(string.IsNullOrWhiteSpace(m.Reason), "a dead-lettered message should say why"));
        Assert.All(dead, m => Assert.True(!m.Headers.TryGetValue("MT-Fault-RetryCount", out var n) || n == "0", $"retried {n} times: {m.Reason}"));
        Assert.Equal(poison.Select(p => p.Body).Order(StringComparer.Ordinal), dead.Select(m => m.Body).Order(StringComparer.Ordinal));

        var actual = await env.ExportAsync();
        Assert.Equal(expected.ToJson(), actual.ToJson());

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static async Task<(int Polls, List<string> NotReady)> PollReadinessAsync(MofaSyncProcess service, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var polls = 0;
        var notReady = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(service.BaseUrl, "health/ready"), stop);
                polls++;
                if (response.StatusCode != HttpStatusCode.OK) notReady.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop)}");
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException ex)
            {
                polls++;
                notReady.Add(ex.Message);
            }
        }

        return (polls, notReady);
    }
}
