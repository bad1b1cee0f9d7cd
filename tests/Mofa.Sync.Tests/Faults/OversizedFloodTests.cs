using System.Globalization;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Twenty invalid messages of the largest size the broker accepts (its max_message_size, 128 MiB
/// by default), five on each agent's queue: the service survives them, sends each to _error cut
/// to a preview, and keeps consuming. Its peak resident memory goes to the test output for the
/// notes (docs/operations.md); memory is not asserted, nor is time.
/// </summary>
public sealed class OversizedFloodTests(ITestOutputHelper output)
{
    private const int Messages = 20;

    /// <summary>Just under RabbitMQ's default max_message_size (134,217,728 bytes).</summary>
    private const int BodyBytes = 128 * 1024 * 1024 - 4096;

    [Fact]
    public async Task Twenty_maximum_size_invalid_messages_over_the_four_agents_leave_the_service_consuming()
    {
        var (history, expected) = FaultRun.History(seed: 16, length: 400);
        await using var env = new TestEnvironment();
        // The service's own defaults (prefetch 128, 64 at once per agent), not the test environment's smaller ones.
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string>
        {
            ["RabbitMq:PrefetchCount"] = new Mofa.Sync.Consumers.Configuration.RabbitMqOptions().PrefetchCount.ToString(CultureInfo.InvariantCulture),
            ["RabbitMq:ConcurrentMessageLimit"] = new Mofa.Sync.Consumers.Configuration.RabbitMqOptions().ConcurrentMessageLimit.ToString(CultureInfo.InvariantCulture),
        });
        await service.WaitUntilReadyAsync();
        output.WriteLine($"RSS at ready: {Status(service, "VmRSS")}");

        var routingKeys = new[] { BridgeRoutingKeys.CourseUpdated, BridgeRoutingKeys.CourseModuleUpdated, BridgeRoutingKeys.UserUpdated, BridgeRoutingKeys.QuizQuestionsChanged };
        var body = new byte[BodyBytes];
        Array.Fill(body, (byte)'x');
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            for (var i = 0; i < Messages; i++)
            {
                var properties = new BasicProperties { ContentType = BridgeExchange.ContentType, Persistent = true, MessageId = $"flood-{i}" };
                await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKeys[i % routingKeys.Length], mandatory: true, properties, body);
            }
        }

        // Valid events after the flood, on the same queues: the service is still consuming.
        await env.PublishAsync(history.Select(BridgeBody.Of));
        await FaultRun.WaitUntilSettledAsync(env, Messages + history.Count, service);
        output.WriteLine($"peak RSS: {Status(service, "VmHWM")}; RSS after: {Status(service, "VmRSS")} ({Messages} x {BodyBytes:N0} bytes)");

        Assert.False(service.HasExited, service.Tail());
        Assert.Equal(expected.ToJson(), (await env.ExportAsync()).ToJson());
        var dead = new List<ErrorQueueMessage>();
        foreach (var agent in Enum.GetValues<SyncAgent>()) dead.AddRange(await env.ErrorQueueAsync(agent));
        Assert.Equal(Messages, dead.Count);
        Assert.All(dead, m => Assert.Contains($"the body is {BodyBytes:N0} bytes", m.Reason, StringComparison.Ordinal));
        Assert.Equal(0, (await service.ScrapeAsync()).Sum("mofa_sync_transport_errors_total"));

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>A line of /proc/PID/status (VmRSS: resident now; VmHWM: the peak), e.g. "612345 kB".</summary>
    private static string Status(MofaSyncProcess service, string field) =>
        File.ReadLines($"/proc/{service.Id.ToString(CultureInfo.InvariantCulture)}/status")
            .FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..].Trim() ?? "(unknown)";
}
