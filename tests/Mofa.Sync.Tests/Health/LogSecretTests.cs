using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
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
        ["Logging:LogLevel:Mofa.Sync.Consumers.Edge"] = "Debug",
    };

    [SkippableFact]
    public async Task A_full_run_at_debug_in_json_never_logs_the_broker_password()
    {
        await using var user = await TemporaryBrokerUser.CreateAsync();
        Skip.If(user is null, "the broker's management API is not reachable to create a user with its own password");

        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, DebugJsonLogs(user.Name, user.Password));
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

    /// <summary>
    /// Two Moodle sites with recognisable tokens and the deliveries that fail in every way that
    /// carries text from elsewhere: Moodle echoing the token in its error, a redirect whose address
    /// holds the token, a site that cannot be reached; invalid messages and a stranger site besides.
    /// Then everything the service and the operator commands wrote is searched for every secret:
    /// each log line, each error-queue message (headers and body), `dlq list` and `dlq show`,
    /// `notifications`, /metrics and the /health bodies.
    /// </summary>
    [SkippableTheory]
    [InlineData("simple")]
    [InlineData("json")]
    public async Task No_token_or_broker_password_reaches_a_log_an_error_queue_a_command_or_an_endpoint(string format)
    {
        await using var user = await TemporaryBrokerUser.CreateAsync();
        Skip.If(user is null, "the broker's management API is not reachable to create a user with its own password");

        var tokenA = "TokA" + Guid.NewGuid().ToString("N");
        var tokenB = "TokB" + Guid.NewGuid().ToString("N");
        var tokenC = "TokC" + Guid.NewGuid().ToString("N");
        await using var moodleA = new Notifications.FakeMoodleServer();
        await using var moodleB = new Notifications.FakeMoodleServer();
        await using var elsewhere = new Notifications.FakeMoodleServer();
        // Moodle's own text should never carry the token, but if it does it must not travel on.
        moodleA.Answer = (_, _) => Notifications.FakeMoodleServer.Reply.Exception("invalidtoken", $"Invalid token - token {tokenA} not found");
        moodleB.Answer = (_, _) => Notifications.FakeMoodleServer.Reply.Redirect(307, $"{elsewhere.BaseUrl}/{tokenB}/server.php?wstoken={tokenB}");
        var siteC = $"http://127.0.0.1:{TestPorts.Next()}/moodle"; // nothing listens there

        var settings = new Dictionary<string, string>(DebugJsonLogs(user.Name, user.Password))
        {
            ["Logging:Format"] = format,
            ["Moodle:Sites:0:Url"] = moodleA.BaseUrl,
            ["Moodle:Sites:0:Token"] = tokenA,
            ["Moodle:Sites:1:Url"] = moodleB.BaseUrl,
            ["Moodle:Sites:1:Token"] = tokenB,
            ["Moodle:Sites:2:Url"] = siteC,
            ["Moodle:Sites:2:Token"] = tokenC,
            ["Moodle:Sites:2:RetryLimit"] = "0",
            ["Moodle:RetryLimit"] = "1",
            ["Moodle:RetryDelay"] = "00:00:00.050",
            ["Notifications:DigestWindow"] = "00:00:00",
            ["Notifications:FlushInterval"] = "00:00:00.200",
        };
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, settings);
        await service.WaitUntilReadyAsync();

        var messages = new List<(string RoutingKey, string Body)>();
        var n = 0;
        foreach (var site in new[] { moodleA.BaseUrl, moodleB.BaseUrl, siteC })
        {
            n++;
            messages.Add((BridgeRoutingKeys.CourseCreated, $$"""{"schemaVersion":1,"eventId":"c-{{n}}","site":"{{site}}","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":5,"fullName":"Logs","shortName":"L"}"""));
            messages.Add((BridgeRoutingKeys.RoleAssigned, $$$"""{"schemaVersion":1,"eventId":"r-{{{n}}}","site":"{{{site}}}","eventName":"\\core\\event\\role_assigned","timeCreated":1788000001,"actorId":2,"courseId":5,"userId":11,"roleShortName":"editingteacher","user":{"username":"t","email":"t@example.edu","firstName":"T","lastName":"E"}}"""));
            messages.Add((BridgeRoutingKeys.CourseModuleCreated, $$"""{"schemaVersion":1,"eventId":"m-{{n}}","site":"{{site}}","eventName":"\\core\\event\\course_module_created","timeCreated":1788000002,"actorId":2,"courseId":5,"cmId":9,"moduleName":"quiz","instanceId":3,"name":"Q"}"""));
        }

        messages.Add((BridgeRoutingKeys.CourseCreated, "{ not json"));
        messages.Add((BridgeRoutingKeys.CourseCreated, """{"schemaVersion":1,"eventId":"x-1","site":"https://x.example","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":5,"fullName":"Logs","shortName":"L"}"""));
        await env.PublishAsync(messages);
        await FaultRun.WaitUntilSettledAsync(env, messages.Count, service);

        // All three deliveries fail, each for its own reason, and end in the notification error queue.
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        var notificationErrors = await WaitForMessagesAsync(connection, QueueNames.ErrorOf(QueueNames.Notifications(env.Rabbit.QueuePrefix)), 3, service);
        Assert.Equal(["could not be reached", "invalidtoken", "redirect to another address"],
            notificationErrors.Select(e => e.Reason).Select(r => new[] { "could not be reached", "invalidtoken", "redirect to another address" }.Single(w => r.Contains(w, StringComparison.Ordinal))).Order(StringComparer.Ordinal));
        Assert.Equal(tokenA, Assert.Single(moodleA.Calls).Token);
        Assert.Equal(tokenB, Assert.Single(moodleB.Calls).Token);
        Assert.Empty(elsewhere.Calls);

        var written = new List<(string Where, string Text)> { ("the logs", service.Output) };
        foreach (var queue in new[] { "course", "notifications" })
        {
            var name = Host.Dlq.DeadLetterQueues.Resolve(env.Rabbit.QueuePrefix, queue)!;
            foreach (var m in await ErrorQueueMessage.PeekAllAsync(connection, name))
            {
                written.Add(($"a message of {name}", m.Body + "\n" + string.Join("\n", m.Headers.Select(h => $"{h.Key}: {h.Value}"))));
            }

            written.Add(($"dlq show {queue}", await CommandOutputAsync(env, settings, "dlq", "show", queue, "--limit", "50")));
            written.Add(($"dlq show {queue} --json", await CommandOutputAsync(env, settings, "dlq", "show", queue, "--limit", "50", "--json")));
        }

        written.Add(("dlq list", await CommandOutputAsync(env, settings, "dlq", "list")));
        written.Add(("notifications", await CommandOutputAsync(env, settings, "notifications")));
        written.Add(("notifications --json", await CommandOutputAsync(env, settings, "notifications", "--json")));
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            foreach (var path in new[] { "metrics", "health/live", "health/ready" })
            {
                using var response = await http.GetAsync(new Uri(service.BaseUrl, path));
                written.Add(($"/{path}", await response.Content.ReadAsStringAsync()));
            }
        }

        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        written[0] = ("the logs", service.Output);

        // The search could fail: the reasons that would carry a secret are there, masked.
        Assert.Contains(written, w => w.Text.Contains("invalidtoken", StringComparison.Ordinal) && w.Text.Contains("token *** not found", StringComparison.Ordinal));
        Assert.Contains(written, w => w.Where.StartsWith("dlq show notifications", StringComparison.Ordinal) && w.Text.Contains("redirects are not followed", StringComparison.Ordinal));
        Assert.Contains(written, w => w.Text.Contains("site https://x.example is not one of the configured Moodle sites", StringComparison.Ordinal));
        foreach (var (secret, what) in new[] { (user.Password, "the broker password"), (tokenA, "site A's token"), (tokenB, "site B's token"), (tokenC, "site C's token") })
        {
            foreach (var (where, text) in written)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} is in {where}:\n{text}");
            }
        }

        if (format == "json")
        {
            Assert.All(service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => JsonDocument.Parse(l).Dispose());
        }
    }

    private static async Task<string> CommandOutputAsync(TestEnvironment env, IReadOnlyDictionary<string, string> settings, params string[] command)
    {
        await using var process = MofaSyncProcess.Start(env, command, settings);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"mofa-sync {string.Join(' ', command)} exited {exit}:\n{process.Tail()}");
        return process.Output;
    }

    private static async Task<IReadOnlyList<ErrorQueueMessage>> WaitForMessagesAsync(RabbitMQ.Client.IConnection connection, string queue, int count, MofaSyncProcess service)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var messages = await ErrorQueueMessage.PeekAllAsync(connection, queue);
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{queue} holds {messages.Count} of {count} messages after 2 minutes:\n{service.Tail(200)}");
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task A_refused_password_is_not_logged_either()
    {
        await using var user = await TemporaryBrokerUser.CreateAsync();
        Skip.If(user is null, "the broker's management API is not reachable to create a user with its own password");

        var wrong = "Wrong-" + Guid.NewGuid().ToString("N");
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, DebugJsonLogs(user.Name, wrong));

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
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string>(DebugJsonLogs("guest", "guest"))
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
