using System.Net;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Fault 1: the broker restarts (rabbitmqctl stop_app / start_app) in the middle of a stream.
/// The service reports not-ready while the broker is away, reconnects by itself, and the mirror
/// ends complete.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests
{
    [SkippableFact]
    public async Task The_service_reconnects_after_a_broker_restart_mid_stream_and_the_mirror_ends_complete()
    {
        // Stopping the broker breaks whatever else uses it at that moment, so this test sits in a
        // collection that xunit runs alone; MOFASYNC_TEST_BROKER_RESTART=0 turns it off (for example
        // while sharing the broker with another test run on the same machine).
        Skip.If(Environment.GetEnvironmentVariable("MOFASYNC_TEST_BROKER_RESTART") == "0",
            "MOFASYNC_TEST_BROKER_RESTART=0: this run does not stop the shared local broker");
        Skip.IfNot(await BrokerControl.IsControllableAsync(), "rabbitmqctl cannot control the local broker here (it needs root and the node's cookie)");

        var (history, expected) = FaultRun.History(seed: 1, length: 4000);
        var firstHalf = history.Take(history.Count / 2).Select(BridgeBody.Of).ToList();
        var secondHalf = history.Skip(history.Count / 2).Select(BridgeBody.Of).ToList();

        await using var env = new TestEnvironment();
        await AgentTopology.DeclareAsync(env.Rabbit, CancellationToken.None);
        await env.PublishAsync(firstHalf);

        // The restart strikes where the test put it: after 200 writes the store holds a committed
        // delivery, unacknowledged, and every other write waits (HoldingStore) until the test
        // releases them, once the broker is gone.
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string> { ["Logging:LogLevel:MassTransit"] = "Warning" },
            new ChildFaults { HoldWritesAfter = [200] });
        await service.WaitUntilReadyAsync();
        await service.WaitForOutputAsync(HoldingStore.HeldLine, FaultRun.HangBudget);
        var waiting = await FaultRun.BacklogAsync(env);
        Assert.True(waiting > 0, "messages should wait in the queues at the restart: the held writes stop the drain");

        Task? stopping = null;
        try
        {
            // stop_app closes the service's connections; it can take half a minute on a loaded machine.
            stopping = BrokerControl.StopAppAsync();
            await stopping;
            // The broker is gone: the restart has struck the held deliveries; they go on now (their acknowledgements have
            // no channel left). Released as soon as the broker is down, not once readiness has turned: held longer than
            // MassTransit's wait for a stopping consumer (30 s), they would test that wait, not the restart.
            service.ReleaseHeldWrites();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await WaitForReadinessAsync(service, HttpStatusCode.ServiceUnavailable));
        }
        finally
        {
            // Whatever happened, the broker is back for the tests that follow (after its stop has ended).
            if (stopping is not null) await Task.WhenAny(stopping);
            await BrokerControl.StartAppAsync(env.Rabbit);
        }

        Assert.Equal(HttpStatusCode.OK, await WaitForReadinessAsync(service, HttpStatusCode.OK));
        await env.PublishAsync(secondHalf);
        await FaultRun.WaitUntilSettledAsync(env, history.Count, service);

        await FaultRun.AssertMirrorCompleteAsync(env, expected);

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Polls /health/ready until it answers <paramref name="wanted"/> (a budget of 90 s against a hang); returns the last answer.</summary>
    private static async Task<HttpStatusCode> WaitForReadinessAsync(MofaSyncProcess service, HttpStatusCode wanted)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        HttpStatusCode last;
        do
        {
            using var response = await http.GetAsync(new Uri(service.BaseUrl, "health/ready"));
            last = response.StatusCode;
            if (last == wanted) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        return last;
    }
}
