using Mofa.Sync.Consumers;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts;
using Mofa.Sync.Mirror;
using Xunit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>What the edge acknowledges without calling a handler: a kind no agent declares, and what is not course content.</summary>
public sealed class IgnoredMessageTests
{
    [Fact]
    public async Task A_kind_no_agent_declares_is_acknowledged_and_ignored()
    {
        const string viewed = "core.course_viewed";
        Assert.Null(BridgeAgents.Subscriptions.Find(viewed));
        var body = ValidBodies.Of(BridgeRoutingKeys.CourseCreated);
        body["eventName"] = @"\core\event\course_viewed";
        await using var harness = await ConsumerHarness.StartAsync();

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Course, viewed, ValidBodies.Bytes(body)));

        Assert.Null(consumed.Exception);
        Assert.Empty(harness.Handled.Calls);
        Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("kind", viewed), ("outcome", "ignored")));
    }

    [Fact]
    public async Task A_module_of_the_front_page_is_acknowledged_and_ignored()
    {
        var body = ValidBodies.Of(BridgeRoutingKeys.CourseModuleCreated);
        body["courseId"] = CourseContentScope.FrontPageCourseId;
        await using var harness = await ConsumerHarness.StartAsync();

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Module, BridgeRoutingKeys.CourseModuleCreated, ValidBodies.Bytes(body)));

        Assert.Null(consumed.Exception);
        Assert.Empty(harness.Handled.Calls);
        Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("kind", BridgeRoutingKeys.CourseModuleCreated), ("outcome", "ignored")));
    }
}
