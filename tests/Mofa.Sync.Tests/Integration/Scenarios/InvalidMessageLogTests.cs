using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Bridge;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>The warning an invalid message leaves in the log names it readably (real broker, the service's own logging).</summary>
public sealed class InvalidMessageLogTests
{
    [Fact]
    public async Task The_warning_says_no_message_id_when_there_is_none_and_quotes_one_safely()
    {
        var lines = new ConcurrentQueue<string>();
        await using var env = new TestEnvironment(new() { ["Logging:LogLevel:Mofa.Sync.Agents.Consuming"] = "Warning" });
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

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
