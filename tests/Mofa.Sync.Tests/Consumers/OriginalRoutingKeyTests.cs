using System.Text;
using MassTransit;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>
/// Where a delivery's routing key comes from. On RabbitMQ as before the in-memory harness came: the
/// key of a delivery through a named exchange, the header only for one through the default exchange
/// (a replay). On a transport without exchanges (the in-memory one), the header.
/// </summary>
public sealed class OriginalRoutingKeyTests
{
    private const string BridgeExchange = "moodle.events";

    private static BasicProperties WithHeader(string? routingKey) => new()
    {
        ContentType = "application/json",
        Headers = routingKey is null ? null : new Dictionary<string, object?> { [OriginalRoutingKey.Header] = Encoding.UTF8.GetBytes(routingKey) },
    };

    [Fact]
    public void A_delivery_through_a_named_exchange_is_judged_by_its_own_key_whatever_header_it_carries()
    {
        var delivery = new RabbitMqDelivery(BridgeExchange, BridgeRoutingKeys.CourseCreated, WithHeader(BridgeRoutingKeys.CourseDeleted));

        Assert.Equal(BridgeRoutingKeys.CourseCreated, OriginalRoutingKey.Of(delivery));
    }

    [Fact]
    public void A_delivery_through_the_default_exchange_is_judged_by_its_header_or_has_no_key()
    {
        var queue = ConsumerHarness.QueuePrefix + ".course";

        Assert.Equal(BridgeRoutingKeys.CourseDeleted, OriginalRoutingKey.Of(new RabbitMqDelivery("", queue, WithHeader(BridgeRoutingKeys.CourseDeleted))));
        Assert.Null(OriginalRoutingKey.Of(new RabbitMqDelivery("", queue, WithHeader(null))));
        Assert.Null(OriginalRoutingKey.Of(new RabbitMqDelivery("", queue, WithHeader(new string('k', OriginalRoutingKey.MaxLength + 1)))));
    }

    /// <summary>
    /// Through the consumer: a receive context that carries a RabbitMQ delivery is read as RabbitMQ's,
    /// not by the transport headers (the in-memory ones here name another kind).
    /// </summary>
    [Fact]
    public async Task The_edge_reads_a_RabbitMQ_deliverys_key_before_any_transport_header()
    {
        var delivery = new RabbitMqDelivery(BridgeExchange, BridgeRoutingKeys.CourseCreated, WithHeader(null));
        await using var harness = await ConsumerHarness.StartAsync(endpoint: e => e.UseFilter(new RabbitMqDelivery.Filter(delivery)));

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Course, BridgeRoutingKeys.CourseDeleted,
            ValidBodies.Bytes(ValidBodies.Of(BridgeRoutingKeys.CourseCreated))));

        Assert.Null(consumed.Exception);
        Assert.Equal(typeof(CourseChanged), Assert.Single(harness.Handled.Calls).Handler);
    }

    [Fact]
    public async Task Without_a_RabbitMQ_delivery_the_key_is_the_header_among_the_transport_headers()
    {
        await using var harness = await ConsumerHarness.StartAsync();

        var consumed = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Course, BridgeRoutingKeys.CourseDeleted,
            ValidBodies.Bytes(ValidBodies.Of(BridgeRoutingKeys.CourseDeleted))));

        Assert.Null(consumed.Exception);
        Assert.Equal(typeof(CourseDeleted), Assert.Single(harness.Handled.Calls).Handler);
    }
}
