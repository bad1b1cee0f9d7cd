using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Dlq;
using RabbitMQ.Client;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>The warning an invalid message leaves in the log names it readably (real broker, the service's own logging).</summary>
public sealed class InvalidMessageLogTests
{
    [Fact]
    public async Task The_warning_says_no_message_id_when_there_is_none_and_quotes_one_safely()
    {
        var lines = new ConcurrentQueue<string>();
        await using var env = new TestEnvironment(new() { ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Warning" });
        await using var service = await TestService.StartAsync(env, s => s.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(lines)));

        await using (var publisher = await BridgePublisher.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            await publisher.PublishAsync(CourseCreated, "not json"u8.ToArray(), null, CancellationToken.None);
            await publisher.PublishAsync(CourseCreated, "not json either"u8.ToArray(), "evt-\u001b[2J", CancellationToken.None);
        }

        await env.WaitForHandledAsync(2, service);
        var warnings = lines.Where(l => l.StartsWith("Invalid bridge message", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("Invalid bridge message (no message-id) (core.course_created) sent to the error queue: the body is not JSON", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("Invalid bridge message evt-\\u001B[2J (core.course_created)", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("(null)", StringComparison.Ordinal) || w.Contains('\u001b', StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue #23, L1: a valid body declared as MassTransit's envelope format (the property, or a
    /// Content-Type header instead) with a message-id that forges a log line and drives the
    /// terminal. Each goes to _error only, with the content-type reason; the log has one warning
    /// each, without a stack trace, the message-id escaped.
    /// </summary>
    [Fact]
    public async Task A_masstransit_content_type_is_refused_with_its_reason_and_a_hostile_message_id_is_logged_escaped()
    {
        const string evil = "evil\u001b]0;PWNED\u0007\u001b[2J\r\nFAKE LOG LINE";
        const string escaped = "evil\\u001B]0;PWNED\\u0007\\u001B[2J\\u000D\\u000AFAKE LOG LINE";
        var lines = new ConcurrentQueue<string>();
        var traces = new ConcurrentQueue<string>();
        await using var env = new TestEnvironment(new() { ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Warning" });
        await using var service = await TestService.StartAsync(env, s => s.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(lines, traces)));

        var bridge = new PhpBridge("https://moodle.example.edu");
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var (routingKey, first) = bridge.Event(CourseCreated, new { courseId = 1, fullName = "Envelope", shortName = "E1" });
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = evil, Persistent = true }, Encoding.UTF8.GetBytes(first));
            var (_, second) = bridge.Event(CourseCreated, new { courseId = 2, fullName = "Header", shortName = "E2" });
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, true,
                new BasicProperties
                {
                    MessageId = evil,
                    Persistent = true,
                    Headers = new Dictionary<string, object?> { ["Content-Type"] = "application/vnd.masstransit+json"u8.ToArray() },
                }, Encoding.UTF8.GetBytes(second));
        }

        await env.WaitForHandledAsync(2, service);
        var errors = await env.ErrorQueueAsync(SyncAgent.Course);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(
            "content type 'application/vnd.masstransit+json' is not JSON: the bridge sends application/json (or no content type)", e.Reason));
        Assert.Empty((await env.ExportAsync()).Courses);
        await using (var broker = await DeadLetterBroker.ConnectAsync(env.Rabbit, CancellationToken.None))
        {
            Assert.Null(await broker.DepthAsync(QueueNames.SkippedOf(QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course)), CancellationToken.None));
        }

        var warnings = lines.Where(l => l.Contains("PWNED", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.StartsWith($"Invalid bridge message {escaped} (core.course_created) sent to the error queue: content type", w, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Any(c => c is '\u001b' or '\u0007' or '\r' or '\n'));
        Assert.Empty(traces);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines, ConcurrentQueue<string>? traces = null) : ILoggerProvider
    {
        /// <summary>Stack traces are recorded for the service's own warnings (MassTransit's R-FAULT line is its own matter).</summary>
        public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName.StartsWith("Mofa.", StringComparison.Ordinal) ? traces : null);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines, ConcurrentQueue<string>? traces) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lines.Enqueue(formatter(state, exception));
                if (exception is not null && logLevel >= LogLevel.Warning) traces?.Enqueue($"{logLevel}: {formatter(state, exception)}: {exception}");
            }
        }
    }
}
