using System.Diagnostics;
using System.Text;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Messages above the service's limits (RabbitMq:MaxHeaderBytes, RabbitMq:MaxBodyBytes), through
/// the real executable and the real broker: each goes to its _error queue at once with its reason
/// and small headers, the valid events behind it on the same queues are all applied, and the
/// service keeps its one broker connection the whole time.
/// </summary>
public sealed class OversizedMessageTests(ITestOutputHelper output)
{
    private const int ValidEvents = 5_000;

    /// <summary>
    /// 129,000 bytes of headers: just under the broker's frame_max (131,072), so the broker takes it,
    /// and a copy with MassTransit's fault headers added would not fit in one frame.
    /// </summary>
    private static Dictionary<string, object?> PoisonHeaders() =>
        Enumerable.Range(0, 100).ToDictionary(i => $"x-padding-{i:D3}", object? (_) => new string('h', 1_271));

    /// <summary>70 MB: above the RabbitMQ client's default limit (64 MiB), below the broker's (128 MiB).</summary>
    private const int PoisonBodyBytes = 70 * 1024 * 1024;

    [Theory]
    [InlineData("none")]
    [InlineData("header table")]
    [InlineData("70 MB body")]
    public async Task A_poison_goes_to_error_with_its_reason_and_the_valid_events_behind_it_apply_on_one_connection(string poison)
    {
        var (history, expected) = FaultRun.History(seed: 15, length: ValidEvents);
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env);
        await service.WaitUntilReadyAsync();
        var connectionName = $"mofa-sync {env.Rabbit.QueuePrefix}";
        var before = await WaitForConnectionAsync(connectionName);

        var poisonCount = 0;
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var valid = BridgeBody.Of(history[0]);
            if (poison == "header table")
            {
                await PublishAsync(channel, env, BridgeRoutingKeys.CourseCreated, Encoding.UTF8.GetBytes(valid.Body.Replace("\"eventId\":\"", "\"eventId\":\"poison-", StringComparison.Ordinal)), PoisonHeaders());
                poisonCount = 1;
            }
            else if (poison == "70 MB body")
            {
                var body = new byte[PoisonBodyBytes];
                Array.Fill(body, (byte)' ');
                Encoding.UTF8.GetBytes("{\"padding\":\"").CopyTo(body, 0);
                await PublishAsync(channel, env, BridgeRoutingKeys.CourseModuleCreated, body, null);
                poisonCount = 1;
            }
        }

        // The valid events queue up behind the poison on the same queues.
        var started = Stopwatch.StartNew();
        await env.PublishAsync(history.Select(BridgeBody.Of));
        await WaitForOutcomesAsync(service, ValidEvents + poisonCount);
        output.WriteLine($"poison: {poison}; {ValidEvents} valid events applied {started.Elapsed.TotalSeconds:F1} s after their publish began");
        await FaultRun.WaitUntilSettledAsync(env, ValidEvents + poisonCount, service);

        var actual = await env.ExportAsync();
        Assert.Equal(expected.ToJson(), actual.ToJson());

        var dead = new List<ErrorQueueMessage>();
        foreach (var agent in Enum.GetValues<SyncAgent>()) dead.AddRange(await env.ErrorQueueAsync(agent));
        Assert.Equal(poisonCount, dead.Count);
        if (poison == "header table")
        {
            var m = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
            Assert.Contains("headers take", m.Reason, StringComparison.Ordinal);
            Assert.Contains("RabbitMq:MaxHeaderBytes", m.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(m.Headers.Keys, k => k.StartsWith("x-padding", StringComparison.Ordinal));
            Assert.True(long.Parse(m.Headers[BoundedErrorTransportFilter.HeadersDroppedHeader], System.Globalization.CultureInfo.InvariantCulture) > 128_000);
            Assert.Equal(BridgeRoutingKeys.CourseCreated, m.Headers[BoundedErrorTransportFilter.RoutingKeyHeader]);
            Assert.False(m.Headers.ContainsKey("MT-Fault-StackTrace"));
        }
        else if (poison == "70 MB body")
        {
            var m = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Module));
            Assert.Contains($"the body is {PoisonBodyBytes:N0} bytes", m.Reason, StringComparison.Ordinal);
            Assert.Contains("RabbitMq:MaxBodyBytes", m.Reason, StringComparison.Ordinal);
            Assert.Equal(BoundedErrorTransportFilter.CutBodyBytes, m.Body.Length);
            Assert.Equal("true", m.Headers[BoundedErrorTransportFilter.BodyCutHeader]);
            Assert.Equal(PoisonBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Headers[BoundedErrorTransportFilter.BodyBytesHeader]);
            Assert.False(m.Headers.ContainsKey("MT-Fault-StackTrace"));
        }

        // One connection from start to end: never closed by the broker, never reopened.
        Assert.Equal(before, await BrokerConnections.NamedAsync(connectionName));
        var metrics = await service.ScrapeAsync();
        Assert.Equal(0, metrics.Sum("mofa_sync_transport_errors_total"));
        Assert.Equal(poisonCount, metrics.Sum(FaultRun.Outcomes, ("outcome", "invalid")));

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static async Task PublishAsync(IChannel channel, TestEnvironment env, string routingKey, byte[] body, Dictionary<string, object?>? headers)
    {
        var properties = new BasicProperties { ContentType = BridgeExchange.ContentType, Persistent = true, MessageId = Guid.NewGuid().ToString(), Headers = headers };
        await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, mandatory: true, properties, body);
    }

    /// <summary>The service's connection, once the management API lists it (its statistics lag a few seconds).</summary>
    internal static async Task<IReadOnlyList<(string Name, long ConnectedAt)>> WaitForConnectionAsync(string connectionName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = await BrokerConnections.NamedAsync(connectionName);
            if (found.Count > 0) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the broker lists no connection named '{connectionName}'");
            await Task.Delay(250);
        }
    }

    /// <summary>Until the service has an outcome for this many messages (a safety limit, not a timing assertion).</summary>
    internal static async Task WaitForOutcomesAsync(MofaSyncProcess service, long count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while ((await service.ScrapeAsync()).Sum(FaultRun.Outcomes) < count)
        {
            if (service.HasExited) throw new InvalidOperationException($"the service exited ({service.ExitCode}):\n{service.Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} outcomes within 4 minutes:\n{service.Tail()}");
            await Task.Delay(100);
        }
    }
}
