using Mofa.Sync.Consumers.Edge;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Broker;

/// <summary>The queue names are wire names (operators, alerts and the bridge's topology use them): written out here once more, as they must stay.</summary>
public sealed class QueueNamesTests
{
    [Fact]
    public void Every_queue_of_the_service_keeps_its_name()
    {
        Assert.Equal(
            ["mofa-sync.course-agent", "mofa-sync.module-agent", "mofa-sync.user-agent", "mofa-sync.question-agent", "mofa-sync.reconcile-agent", "mofa-sync.notifications"],
            QueueNames.WorkQueues("mofa-sync"));
        Assert.Equal(
            ["mofa-sync.course-agent_error", "mofa-sync.course-agent_skipped", "mofa-sync.module-agent_error", "mofa-sync.module-agent_skipped",
             "mofa-sync.user-agent_error", "mofa-sync.user-agent_skipped", "mofa-sync.question-agent_error", "mofa-sync.question-agent_skipped",
             "mofa-sync.reconcile-agent_error", "mofa-sync.reconcile-agent_skipped", "mofa-sync.notifications_error", "mofa-sync.notifications_skipped"],
            QueueNames.DeadLetterQueues("mofa-sync"));
    }

    [Theory]
    [InlineData("mofa-sync.course-agent", SyncAgent.Course)]
    [InlineData("prod.eu.reconcile-agent", SyncAgent.Reconcile)]
    [InlineData("mofa-sync.course-agent_error", null)]
    [InlineData("mofa-sync.notifications", null)]
    [InlineData("mofa-sync.group-agent", null)]
    public void An_agent_queue_is_read_back_to_its_agent(string queue, SyncAgent? agent) => Assert.Equal(agent, QueueNames.AgentOf(queue));

    [Theory]
    [InlineData("mofa-sync.course-agent_error", "mofa-sync.course-agent")]
    [InlineData("mofa-sync.notifications_skipped", "mofa-sync.notifications")]
    [InlineData("mofa-sync.course-agent", "mofa-sync.course-agent")]
    public void A_dead_letter_queue_names_the_queue_it_belongs_to(string deadLetterQueue, string source) =>
        Assert.Equal(source, QueueNames.SourceOf(deadLetterQueue));

    [Theory]
    [InlineData("/mofa-sync.notifications", true)]
    [InlineData("/vhost/test-1.notifications", true)]
    [InlineData("/mofa-sync.notifications_error", false)]
    [InlineData("/mofa-sync.course-agent", false)]
    public void The_notification_queue_is_told_by_its_name(string path, bool notifications) =>
        Assert.Equal(notifications, QueueNames.IsNotifications(path));
}
