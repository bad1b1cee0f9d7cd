using System.Text;
using Mofa.Sync.Host.Dlq;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Dlq;

/// <summary>Messages RabbitMQ dead-lettered itself (x-death), as a quorum queue's delivery limit does: their reason in plain words.</summary>
public sealed class BrokerDeathTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static Dictionary<string, object?> Headers(string reason) => new()
    {
        ["x-death"] = new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["reason"] = Utf8(reason),
                ["queue"] = Utf8("mofa-sync.course-agent"),
                ["count"] = 1L,
                ["time"] = new AmqpTimestamp(1_700_000_000),
                ["exchange"] = Utf8(""),
            },
        },
        ["x-first-death-reason"] = Utf8(reason),
        ["x-delivery-count"] = 0L,
        ["bridge-version"] = Utf8("1.4"),
    };

    [Fact]
    public void A_delivery_limit_death_says_how_often_it_was_delivered_and_where()
    {
        var reason = FailureReason.Of(Headers("delivery_limit"), deliveryLimit: 20);

        Assert.Null(reason.ExceptionType);
        Assert.StartsWith("delivered 21 times without being acknowledged (more than RabbitMq:DeliveryLimit=20)", reason.Text, StringComparison.Ordinal);
        Assert.EndsWith("in mofa-sync.course-agent", reason.Text, StringComparison.Ordinal);
        Assert.Contains("without being acknowledged", FailureReason.Of(Headers("delivery_limit")).Text, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), BrokerDeath.Of(Headers("rejected"))!.Time);
        Assert.StartsWith("rejected by a consumer", FailureReason.Of(Headers("rejected")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_drops_the_brokers_death_headers_and_keeps_the_others()
    {
        Assert.Equal(["bridge-version"], DeadLetterHeaders.WithoutFailure(Headers("delivery_limit"))!.Keys);
        Assert.Null(BrokerDeath.Of(new Dictionary<string, object?> { ["bridge-version"] = Utf8("1.4") }));
    }
}
