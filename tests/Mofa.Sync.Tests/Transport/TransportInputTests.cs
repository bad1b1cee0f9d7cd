using System.IO.Compression;
using System.Text;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Transport;

/// <summary>
/// What the agents make of a delivery's content type, content encoding and byte order mark, and
/// what they leave behind when one faults: an _error copy without a stack trace, and no Fault
/// event on MassTransit's shared, unprefixed fault exchanges. Through the real broker.
/// </summary>
public sealed class TransportInputTests
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");

    [Fact]
    public async Task Bodies_that_are_not_json_or_are_encoded_go_to_error_with_a_reason_and_a_bom_or_charset_is_read()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var refused = new List<(string Body, string Reason)>();
        var applied = new List<string>();

        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var id = 1;
            async Task<string> Publish(string? contentType, string? encoding, Func<byte[], byte[]>? transform = null)
            {
                var (routingKey, body) = Bridge.Event(CourseCreated, new { courseId = id, fullName = $"Course {id}", shortName = $"C{id}" });
                id++;
                var bytes = Encoding.UTF8.GetBytes(body);
                await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, mandatory: true,
                    new BasicProperties { ContentType = contentType, ContentEncoding = encoding, Persistent = true }, transform?.Invoke(bytes) ?? bytes);
                return body;
            }

            // Valid JSON bodies, every one: only the properties are wrong.
            refused.Add((await Publish("text/plain", null), "content type 'text/plain' is not JSON"));
            refused.Add((await Publish("application/xml", null), "content type 'application/xml' is not JSON"));
            refused.Add((await Publish("application/octet-stream", null), "content type 'application/octet-stream' is not JSON"));
            await Publish("application/json", "gzip", Gzip);
            applied.Add(await Publish("application/json; charset=utf-8", null));
            applied.Add(await Publish("application/json", null, b => [0xEF, 0xBB, 0xBF, .. b]));

            await env.WaitForHandledAsync(6, service);
            var errors = await env.ErrorQueueAsync(SyncAgent.Course);
            Assert.Equal(4, errors.Count);
            foreach (var (body, reason) in refused)
            {
                var m = Assert.Single(errors, e => e.Body == body);
                Assert.Contains(reason, m.Reason, StringComparison.Ordinal);
            }

            var zipped = Assert.Single(errors, e => e.Headers.GetValueOrDefault("MT-Fault-Message", "").Contains("gzip", StringComparison.Ordinal));
            Assert.Equal("content encoding 'gzip' is not supported: the bridge sends plain UTF-8 JSON, neither compressed nor encoded", zipped.Reason);
        }

        var courses = (await env.ExportAsync()).Courses;
        Assert.Equal(2, courses.Count);
        Assert.Equal(["Course 5", "Course 6"], courses.Select(c => c.FullName).Order());
    }

    [Fact]
    public async Task The_reconcile_agent_refuses_what_the_other_agents_refuse_before_reading_the_body()
    {
        // A small body limit, so that a body over it is cheap to send.
        await using var env = new TestEnvironment(new Dictionary<string, string?> { ["RabbitMq:MaxBodyBytes"] = "2048" });
        await using var service = await TestService.StartAsync(env);
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var (routingKey, body) = Bridge.Event(CourseRestored, new { courseId = 7 });
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, mandatory: true,
                new BasicProperties { ContentType = "text/plain", Persistent = true }, Encoding.UTF8.GetBytes(body));
            var (_, large) = Bridge.Event(CourseRestored, new { courseId = 8, padding = new string('x', 4096) });
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, mandatory: true,
                new BasicProperties { ContentType = "application/json", Persistent = true }, Encoding.UTF8.GetBytes(large));
        }

        await env.WaitForHandledAsync(2, service);
        var errors = await env.ErrorQueueAsync(SyncAgent.Reconcile);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Reason.Contains("content type 'text/plain' is not JSON", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Reason.Contains("RabbitMq:MaxBodyBytes", StringComparison.Ordinal));
        Assert.Empty((await env.ExportAsync()).Courses);
    }

    [Fact]
    public async Task An_error_copy_keeps_the_reason_and_small_headers_and_no_fault_event_is_published()
    {
        await using var env = new TestEnvironment();

        // Where MassTransit publishes Fault events (exchange MassTransit:Fault, shared by every
        // deployment on the broker): a queue of this test's own, to see whether any of ours arrive.
        var faultQueue = $"{env.Rabbit.QueuePrefix}.fault-watch";
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclareAsync("MassTransit:Fault", ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(faultQueue, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(faultQueue, "MassTransit:Fault", "");
        }

        try
        {
            await using var service = await TestService.StartAsync(env);
            var (routingKey, body) = Bridge.Event(CourseCreated, new { courseId = 0, fullName = "Zero", shortName = "Z" });
            await env.PublishAsync(routingKey, body);
            await env.WaitForHandledAsync(1, service);

            var m = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
            Assert.Contains("courseId must be a positive Moodle id", m.Reason, StringComparison.Ordinal);
            Assert.Equal("Mofa.Sync.Consumers.Parsing.InvalidBridgeMessageException", m.Headers["MT-Fault-ExceptionType"]);
            Assert.Equal(body, m.Body);
            Assert.Equal(CourseCreated, m.Headers[BoundedErrorTransportFilter.RoutingKeyHeader]);
            Assert.False(m.Headers.ContainsKey("MT-Fault-StackTrace"), "the stack trace belongs in the log, not in the error queue");
            Assert.True(m.Headers.Values.Sum(v => v.Length) < 2_000, $"headers should be small: {string.Join(", ", m.Headers.Keys)}");

            // Fault events would have arrived by now (they are published before the move to _error).
            await using var channel = await connection.CreateChannelAsync();
            while (await channel.BasicGetAsync(faultQueue, autoAck: true) is { } fault)
            {
                Assert.DoesNotContain(env.Rabbit.QueuePrefix, Encoding.UTF8.GetString(fault.Body.Span), StringComparison.Ordinal);
            }
        }
        finally
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(faultQueue);
        }
    }

    /// <summary>
    /// Issue #23, L3: fault and x-death headers a message brings along are not carried into its
    /// error copy, where `dlq show` would read them as this failure's (retries 7, dead-lettered by the broker).
    /// </summary>
    [Fact]
    public async Task Forged_fault_and_x_death_headers_do_not_survive_into_the_error_copy()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var (routingKey, body) = Bridge.Event(CourseCreated, new { courseId = 0, fullName = "Zero", shortName = "Z" });
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var death = new Dictionary<string, object?>
            {
                ["reason"] = "delivery_limit"u8.ToArray(),
                ["queue"] = "somewhere-else"u8.ToArray(),
                ["count"] = 99L,
            };
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, true, new BasicProperties
            {
                ContentType = "application/json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-RetryCount"] = 7,
                    ["MT-Fault-InputAddress"] = "rabbitmq://localhost/secp.victim"u8.ToArray(),
                    ["MT-Fault-StackTrace"] = "at Somewhere()"u8.ToArray(),
                    ["MT-Reason"] = "skip"u8.ToArray(),
                    ["x-death"] = new List<object?> { death },
                    ["x-first-death-reason"] = "delivery_limit"u8.ToArray(),
                    ["MofaSync-Body-Cut"] = "true"u8.ToArray(),
                    ["bridge-version"] = "1.4"u8.ToArray(),
                },
            }, Encoding.UTF8.GetBytes(body));
        }

        await env.WaitForHandledAsync(1, service);
        var m = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Contains("courseId must be a positive Moodle id", m.Reason, StringComparison.Ordinal);
        foreach (var forged in new[] { "MT-Fault-RetryCount", "MT-Fault-StackTrace", "x-death", "x-first-death-reason", "MofaSync-Body-Cut" })
        {
            Assert.False(m.Headers.ContainsKey(forged), $"{forged} came along into the error copy");
        }

        Assert.Equal("fault", m.Headers["MT-Reason"]);
        Assert.EndsWith($"/{QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course)}", m.Headers["MT-Fault-InputAddress"], StringComparison.Ordinal);
        Assert.Equal("1.4", m.Headers["bridge-version"]);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }
}
