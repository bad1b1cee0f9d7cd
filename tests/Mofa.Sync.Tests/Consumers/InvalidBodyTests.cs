using System.Text;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts;
using Xunit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>
/// What the edge does with a body that breaks the contract, on the in-memory harness: it faults with
/// <see cref="InvalidBridgeMessageException"/> at once (no retry: the reader counts "invalid" on every
/// attempt, so a retried message would count more than once) and no handler is called.
/// </summary>
public sealed class InvalidBodyTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "a field missing", "courseId" },
        { "another event's name", "eventName" },
        { "no JSON", "JSON" },
        { "no routing key", OriginalRoutingKey.Header },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_invalid_body_faults_at_once_with_its_reason_and_reaches_no_handler(string invalid, string reasonNames)
    {
        var (routingKey, body) = Body(invalid);
        await using var harness = await ConsumerHarness.StartAsync();

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Course, routingKey, body));

        var fault = Assert.IsType<InvalidBridgeMessageException>(consumed.Exception);
        Assert.Contains(reasonNames, fault.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("outcome", "invalid")));
        Assert.Empty(harness.Handled.Calls);
    }

    /// <summary>The contrast: a handler's own failure is retried by the agent's policy (here 2 retries), then faults.</summary>
    [Fact]
    public async Task A_handlers_failure_is_retried_by_the_agents_policy_then_faults()
    {
        var sync = new SyncOptions { RetryLimit = 2, RetryMinInterval = TimeSpan.FromMilliseconds(1), RetryMaxInterval = TimeSpan.FromMilliseconds(5) };
        await using var harness = await ConsumerHarness.StartAsync(sync: sync);
        harness.Handled.Failure = new IOException("the store is away");

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Course, BridgeRoutingKeys.CourseCreated,
            ValidBodies.Bytes(ValidBodies.Of(BridgeRoutingKeys.CourseCreated))));

        Assert.IsType<IOException>(consumed.Exception);
        Assert.Equal(3, harness.Handled.Calls.Count);
        Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events_received", ("kind", BridgeRoutingKeys.CourseCreated)));
    }

    private static (string? RoutingKey, byte[] Body) Body(string invalid)
    {
        var valid = ValidBodies.Of(BridgeRoutingKeys.CourseCreated);
        switch (invalid)
        {
            case "a field missing":
                valid.Remove("courseId");
                return (BridgeRoutingKeys.CourseCreated, ValidBodies.Bytes(valid));
            case "another event's name":
                valid["eventName"] = BridgeRoutingKeys.ToEventName(BridgeRoutingKeys.CourseUpdated);
                return (BridgeRoutingKeys.CourseCreated, ValidBodies.Bytes(valid));
            case "no JSON":
                return (BridgeRoutingKeys.CourseCreated, Encoding.UTF8.GetBytes("course 101 was created"));
            case "no routing key":
                return (null, ValidBodies.Bytes(valid));
            default:
                throw new ArgumentOutOfRangeException(nameof(invalid), invalid, null);
        }
    }
}
