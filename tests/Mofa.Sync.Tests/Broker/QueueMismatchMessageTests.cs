using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Host.Broker;
using Xunit;

namespace Mofa.Sync.Tests.Broker;

/// <summary>RabbitMQ's "inequivalent arg" reply, told in terms of the settings (the upgrade itself is Cluster/QueueTypeMigrationTests).</summary>
public sealed class QueueMismatchMessageTests
{
    [Fact]
    public void A_quorum_queue_met_by_classic_settings_names_the_type_the_setting_and_the_migration()
    {
        var error = QueueMismatchException.From(new RabbitMqOptions { QueueType = QueueType.Classic }, "mofa-sync.user-agent",
            "PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue 'mofa-sync.user-agent' in vhost '/': received none but current is the value '' of type 'longstr'",
            otherType: true);

        Assert.Contains("'mofa-sync.user-agent' is a quorum queue, but RabbitMq:QueueType is Classic", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__RABBITMQ__QUEUETYPE", error.Message, StringComparison.Ordinal);
        Assert.Contains("mofa-sync topology --migrate-queues", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_delivery_limit_names_its_own_setting()
    {
        var error = QueueMismatchException.From(new RabbitMqOptions { QueueType = QueueType.Quorum, DeliveryLimit = 5 }, "mofa-sync.course-agent",
            "PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue 'mofa-sync.course-agent' in vhost '/': received '5' but current is '20'",
            otherType: false);

        Assert.Contains("has another delivery limit than RabbitMq:DeliveryLimit=5", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__RABBITMQ__DELIVERYLIMIT", error.Message, StringComparison.Ordinal);
    }
}
