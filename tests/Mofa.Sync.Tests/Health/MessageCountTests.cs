using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// A message is counted once as received and once by its final outcome, however often it is retried
/// in-process (real broker, real service, real SQLite file behind a store whose writes the test fails
/// on the attempts it chooses). Measured on the service's own meter.
/// </summary>
public sealed class MessageCountTests
{
    private const string Received = "mofa_sync_events_received";
    private const string Outcomes = "mofa_sync_events";
    private const string DeadLettered = "mofa_sync_dead_lettered";

    private static string Course(string id) =>
        $$"""{"schemaVersion":1,"eventId":"{{id}}","site":"https://moodle.example.edu","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":7,"fullName":"Counted","shortName":"C"}""";

    [Fact]
    public async Task An_event_that_fails_every_retry_counts_one_received_one_faulted_and_one_dead_lettered()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env, UnplugStore.Install);
        using var counts = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        // Sync:RetryLimit is 2 in the test settings: three attempts, all failing.
        service.Services.GetRequiredService<UnplugStore>().FailingWrites = 3;

        await env.PublishAsync(BridgeRoutingKeys.CourseCreated, Course("count-1"));
        await WaitForErrorQueueAsync(env, 1);

        var kind = ("kind", BridgeRoutingKeys.CourseCreated);
        Assert.Equal(3, service.Services.GetRequiredService<UnplugStore>().WritesFailed);
        Assert.Equal(1, counts.Of(Received, kind));
        Assert.Equal(1, counts.Of(Outcomes, kind, ("outcome", SyncMetrics.Faulted)));
        Assert.Equal(1, counts.Of(Outcomes));
        Assert.Equal(1, counts.Of(DeadLettered, ("queue", QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course))));
    }

    [Fact]
    public async Task An_event_applied_on_its_retry_counts_one_received_and_one_applied()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env, UnplugStore.Install);
        using var counts = new MeterCounts(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        service.Services.GetRequiredService<UnplugStore>().FailingWrites = 2;

        await env.PublishAsync(BridgeRoutingKeys.CourseCreated, Course("count-2"));
        await env.WaitForHandledAsync(1, service);

        var kind = ("kind", BridgeRoutingKeys.CourseCreated);
        Assert.Equal(2, service.Services.GetRequiredService<UnplugStore>().WritesFailed);
        Assert.Equal(1, counts.Of(Received, kind));
        Assert.Equal(1, counts.Of(Outcomes, kind, ("outcome", "applied")));
        Assert.Equal(1, counts.Of(Outcomes));
        Assert.Equal(0, counts.Of(DeadLettered));
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Course));
    }

    private static async Task WaitForErrorQueueAsync(TestEnvironment env, int count)
    {
        var budget = DateTime.UtcNow.AddMinutes(2); // a budget against hangs, not a timing assertion
        while ((await env.ErrorQueueAsync(SyncAgent.Course)).Count < count)
        {
            if (DateTime.UtcNow > budget) throw new TimeoutException($"fewer than {count} message(s) in the course agent's _error queue after 2 minutes");
            await Task.Delay(100);
        }
    }
}
