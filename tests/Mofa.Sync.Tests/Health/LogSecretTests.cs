using System.Text.Json;
using Mofa.Sync.Contracts;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// The logs of the real executable, at Debug for everything (MassTransit and the client
/// libraries included), in the JSON console format: one JSON object a line, an outcome line per
/// event, and never a secret, whether the broker accepts the password or refuses it.
/// </summary>
public sealed class LogSecretTests
{
    private static Dictionary<string, string> DebugJsonLogs(string user, string password) => new()
    {
        ["RabbitMq:Username"] = user,
        ["RabbitMq:Password"] = password,
        ["Logging:Format"] = "json",
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:MassTransit"] = "Debug",
        ["Logging:LogLevel:Microsoft"] = "Debug",
        ["Logging:LogLevel:Mofa.Sync.Consumers.Consuming"] = "Debug",
    };

    [SkippableFact]
    public async Task A_full_run_at_debug_in_json_never_logs_the_broker_password()
    {
        await using var user = await TemporaryBrokerUser.CreateAsync();
        Skip.If(user is null, "the broker's management API is not reachable to create a user with its own password");

        await using var env = new TestEnvironment();
        await using var service = ServiceProcess.Run(env, DebugJsonLogs(user.Name, user.Password));
        await service.WaitUntilReadyAsync();

        var course = """{"schemaVersion":1,"eventId":"log-1","site":"https://moodle.example.edu","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":5,"fullName":"Logs","shortName":"L"}""";
        await env.PublishAsync([(BridgeRoutingKeys.CourseCreated, course), (BridgeRoutingKeys.CourseCreated, "{ not json")]);
        await FaultRun.WaitUntilSettledAsync(env, 2, service);
        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var output = service.Output;
        Assert.DoesNotContain(user.Password, output, StringComparison.Ordinal);

        // The JSON format: every line an object; the outcome of the event is one of them, with its fields.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 10, output);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(entries, e => e.GetProperty("LogLevel").GetString() == "Debug"
            && e.GetProperty("State").TryGetProperty("EventId", out var id) && id.GetString() == "log-1");
        Assert.Contains(entries, e => e.GetProperty("LogLevel").GetString() == "Warning"
            && e.GetProperty("Message").GetString()!.Contains("Invalid bridge message", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_refused_password_is_not_logged_either()
    {
        await using var user = await TemporaryBrokerUser.CreateAsync();
        Skip.If(user is null, "the broker's management API is not reachable to create a user with its own password");

        var wrong = "Wrong-" + Guid.NewGuid().ToString("N");
        await using var env = new TestEnvironment();
        await using var service = ServiceProcess.Run(env, DebugJsonLogs(user.Name, wrong));

        // The service keeps retrying the connection; wait until the refusal has been logged.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!service.Output.Contains("ACCESS_REFUSED", StringComparison.OrdinalIgnoreCase) && !service.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        service.Kill();
        await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("ACCESS_REFUSED", service.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong, service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_mongodb_does_not_log_its_connection_string()
    {
        var password = "Mongo-" + Guid.NewGuid().ToString("N");
        await using var env = new TestEnvironment();
        await using var service = ServiceProcess.Run(env, new Dictionary<string, string>(DebugJsonLogs("guest", "guest"))
        {
            ["Store:Kind"] = "MongoDb",
            // Nothing listens on port 1: the store fails at start-up, quickly.
            ["Store:MongoDb:ConnectionString"] = $"mongodb://mofa:{password}@127.0.0.1:1/?serverSelectionTimeoutMS=1500&connectTimeoutMS=1000",
        });

        await service.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, service.ExitCode);
        Assert.DoesNotContain(password, service.Output, StringComparison.Ordinal);
    }
}
