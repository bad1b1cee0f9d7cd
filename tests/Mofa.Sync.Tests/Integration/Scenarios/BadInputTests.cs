using System.Text.Json.Nodes;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>
/// Malformed messages end where docs/contract.md's table says: the agent's _error queue at once, with
/// the reason readable in its headers, the mirror untouched, and the valid messages after them applied.
/// </summary>
public sealed class BadInputTests
{
    private static readonly PhpBridge Bridge = new("https://moodle.example.edu");

    /// <summary>A valid course_created body, changed by <paramref name="mutate"/>.</summary>
    private static string Course(Action<JsonObject> mutate)
    {
        var body = JsonNode.Parse(Bridge.Event(CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" }).Body)!.AsObject();
        mutate(body);
        return body.ToJsonString();
    }

    private static string Module(Action<JsonObject> mutate)
    {
        var body = JsonNode.Parse(Bridge.Event(CourseModuleCreated, new { courseId = 10, cmId = 100, moduleName = "assign", instanceId = 1, name = "Essay" }).Body)!.AsObject();
        mutate(body);
        return body.ToJsonString();
    }

    /// <summary>(routing key, body, the agent whose _error queue it must reach, words the reason must contain).</summary>
    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "not JSON", CourseCreated, "this is not json {", "body is not JSON" },
        { "empty body", CourseCreated, "", "body is empty" },
        { "a JSON array", CourseCreated, "[1, 2, 3]", "expected one JSON object" },
        { "a JSON string", CourseCreated, "\"course\"", "expected one JSON object" },
        { "snake_case fields", CourseCreated, """{"schema_version":1,"event_id":"e-1","site":"https://moodle.example.edu","event_name":"\\core\\event\\course_created","time_created":1788000000,"actor_id":2,"course_id":10,"full_name":"Algebra","short_name":"ALG"}""", "snake_case" },
        { "missing eventId", CourseCreated, Course(b => b.Remove("eventId")), "eventId" },
        { "zero courseId", CourseCreated, Course(b => b["courseId"] = 0), "courseId must be a positive Moodle id (got 0)" },
        { "negative cmId", CourseModuleCreated, Module(b => b["cmId"] = -5), "cmId must be a positive Moodle id (got -5)" },
        { "courseId as a string", CourseCreated, Course(b => b["courseId"] = "ten"), "courseId has the wrong type: expected a whole number" },
        { "unknown schemaVersion", CourseCreated, Course(b => b["schemaVersion"] = 2), "schemaVersion 2 is not supported" },
        { "javascript: url", CourseModuleCreated, Module(b => b["url"] = "javascript:alert(1)"), "url must be an absolute http(s) address" },
        { "1 MB name", CourseModuleCreated, Module(b => b["name"] = new string('x', 1024 * 1024)), "name must be at most 1333 characters (got 1048576)" },
        { "site not a URL", CourseCreated, Course(b => b["site"] = "moodle"), "site must be the site's absolute http(s) address" },
        { "timeCreated in milliseconds", CourseCreated, Course(b => b["timeCreated"] = 1_788_000_000_000), "timeCreated must be unix seconds" },
        { "eventName of another kind", CourseCreated, Course(b => b["eventName"] = "\\core\\event\\course_deleted"), "does not match routing key" },
        { "eventName as a routing key", CourseCreated, Course(b => b["eventName"] = "core.course_deleted"), "eventName must be Moodle's event name of the form" },
        { "eventName of no form", CourseCreated, Course(b => b["eventName"] = "anything at all"), "eventName must be Moodle's event name of the form" },
        { "ESC and RLO in a name", CourseCreated, Course(b => b["fullName"] = "\u001b[2J\u202eAlgebra"), "fullName must not contain control characters or bidirectional overrides (found U+001B (ESC) at character 1)" },
        { "url with user-info", CourseModuleCreated, Module(b => b["url"] = "https://moodle.example.edu@evil.example/login"), "url must not carry a user name or password before its host" },
        { "timeCreated tomorrow", CourseCreated, Course(b => b["timeCreated"] = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()), "at most 00:05:00 ahead of this service's clock" },
        { "sequence int64 max", CourseCreated, Course(b => b["sequence"] = long.MaxValue), "sequence must be at most 9007199254740991" },
        { "null fullName", CourseCreated, Course(b => b["fullName"] = null), "fullName must not be null" },
        { "a lone surrogate", CourseCreated, Course(_ => { }).Replace("Algebra", "Alg\\ud800ebra", StringComparison.Ordinal), "field fullName holds a lone surrogate" },
        { "duplicate questionIds", QuizQuestionsChanged, Bridge.Event(QuizQuestionsChanged, new { courseId = 10, quizId = 3, quizCmId = 30, questions = new[] { new { questionId = 1, name = "a" }, new { questionId = 1, name = "b" } } }).Body, "same questionId twice" },
        { "a null question", QuizQuestionsChanged, Bridge.Event(QuizQuestionsChanged, new { courseId = 10, quizId = 3, quizCmId = 30, questions = new object?[] { null } }).Body, "questions must not hold null entries" },
        { "user without profile", RoleAssigned, Bridge.Event(RoleAssigned, new { courseId = 10, userId = 5, roleShortName = "editingteacher" }).Body, "user" },
    };

    private static SyncAgent AgentOf(string routingKey) => BridgeAgents.Subscriptions.Find(routingKey)!.Agent;

    [Fact]
    public async Task Each_malformed_message_goes_to_error_with_its_reason_and_valid_ones_still_apply()
    {
        var cases = Cases().Select(row => ((string)row[0], (string)row[1], (string)row[2], (string)row[3])).ToList();
        Assert.True(cases.Count >= 15);

        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var before = (await env.ExportAsync()).ToJson();

        await env.PublishAsync(cases.Select(c => (c.Item2, c.Item3)));
        await env.WaitForHandledAsync(cases.Count, service);
        Assert.Equal(before, (await env.ExportAsync()).ToJson());

        var errors = new Dictionary<SyncAgent, IReadOnlyList<ErrorQueueMessage>>();
        foreach (var agent in Enum.GetValues<SyncAgent>()) errors[agent] = await env.ErrorQueueAsync(agent);
        foreach (var (name, routingKey, body, reason) in cases)
        {
            var inQueue = errors[AgentOf(routingKey)].Where(m => m.Body == body).ToList();
            var message = Assert.Single(inQueue);
            Assert.True(message.Reason.Contains(reason, StringComparison.Ordinal), $"{name}: reason was '{message.Reason}', expected it to say '{reason}'");
            Assert.True(message.Headers.GetValueOrDefault("MT-Fault-RetryCount", "0") == "0", $"{name}: was retried ({message.Headers.GetValueOrDefault("MT-Fault-RetryCount")})");
        }

        Assert.Equal(cases.Count, errors.Values.Sum(e => e.Count));

        // The consumer went on: valid messages published after the bad ones are applied.
        await env.PublishAsync([Bridge.Event(CourseCreated, new { courseId = 77, fullName = "After the storm", shortName = "ATS" })]);
        await env.WaitForHandledAsync(cases.Count + 1, service);
        Assert.Equal("After the storm", Assert.Single((await env.ExportAsync()).Courses).FullName);
    }

    [Fact]
    public async Task A_body_without_content_type_is_read_as_json()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        await env.PublishAsync(CourseCreated, Bridge.Event(CourseCreated, new { courseId = 5, fullName = "No header", shortName = "NH" }).Body, contentType: null);
        await env.WaitForHandledAsync(1, service);
        Assert.Equal("No header", Assert.Single((await env.ExportAsync()).Courses).FullName);
    }

    /// <summary>Issue #23, L3: text that is no text is reported as such, not as a wrong type.</summary>
    [Fact]
    public async Task A_body_that_is_not_valid_UTF_8_is_refused_as_such()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var (routingKey, body) = Bridge.Event(CourseCreated, new { courseId = 10, fullName = "Alg~bra", shortName = "ALG" });
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        bytes[Array.IndexOf(bytes, (byte)'~')] = 0xFF; // a byte that starts no UTF-8 sequence
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.BasicPublishAsync(env.Rabbit.Exchange, routingKey, true, new BasicProperties { ContentType = "application/json", Persistent = true }, bytes);
        }

        await env.WaitForHandledAsync(1, service);
        var m = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Equal("core.course_created: field fullName is not valid UTF-8 text: the body must be UTF-8", m.Reason);
        Assert.Empty((await env.ExportAsync()).Courses);
    }

    /// <summary>
    /// Issue #23, L3: a queue applies only its own agent's kinds. A course_created sent straight to
    /// the module agent's queue (the routing-key header, as a replay sends) or routed to it through
    /// another exchange, or sent to the reconcile agent's queue, goes to that queue's _error with the
    /// reason; before, the module agent applied it and the reconcile agent dropped it silently.
    /// </summary>
    [Fact]
    public async Task A_kind_of_another_agent_on_an_agent_queue_goes_to_its_error_queue_with_a_reason()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var (_, body) = Bridge.Event(CourseCreated, new { courseId = 10, fullName = "Algebra", shortName = "ALG" });
        var moduleQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Module);
        var reconcileQueue = QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Reconcile);
        var otherExchange = env.Rabbit.QueuePrefix + ".other-exchange";
        await using var connection = await TestBroker.ConnectAsync(env.Rabbit);
        try
        {
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            {
                var withHeader = new BasicProperties
                {
                    ContentType = "application/json",
                    Persistent = true,
                    Headers = new Dictionary<string, object?> { [OriginalRoutingKey.Header] = System.Text.Encoding.UTF8.GetBytes(CourseCreated) },
                };
                var bytes = System.Text.Encoding.UTF8.GetBytes(body);
                await channel.BasicPublishAsync("", moduleQueue, true, withHeader, bytes);
                await channel.BasicPublishAsync("", reconcileQueue, true, withHeader, bytes);
                await channel.ExchangeDeclareAsync(otherExchange, ExchangeType.Topic, durable: false, autoDelete: false);
                await channel.QueueBindAsync(moduleQueue, otherExchange, CourseCreated);
                await channel.BasicPublishAsync(otherExchange, CourseCreated, true, new BasicProperties { ContentType = "application/json", Persistent = true }, bytes);
            }

            await env.WaitForHandledAsync(3, service);
            Assert.Empty((await env.ExportAsync()).Courses);
            var module = await env.ErrorQueueAsync(SyncAgent.Module);
            Assert.Equal(2, module.Count);
            Assert.All(module, m => Assert.StartsWith(
                $"routing key 'core.course_created' is a kind of the course agent, not of the module agent whose queue {moduleQueue} this is", m.Reason, StringComparison.Ordinal));
            var reconcile = Assert.Single(await env.ErrorQueueAsync(SyncAgent.Reconcile));
            Assert.StartsWith($"routing key 'core.course_created' is a kind of the course agent, not of the reconcile agent whose queue {reconcileQueue} this is", reconcile.Reason, StringComparison.Ordinal);
            Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Course));
        }
        finally
        {
            await using var cleanup = await connection.CreateChannelAsync();
            await cleanup.ExchangeDeleteAsync(otherExchange, ifUnused: false);
        }
    }

    [Fact]
    public async Task An_event_kind_the_sync_does_not_handle_is_acknowledged_and_ignored()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);

        // Unbound kinds never reach a queue; one that does (sent straight to an agent's queue with
        // its routing key in the header, as a replay does) is acknowledged without a fault.
        var viewed = Bridge.Event("core.course_viewed", new { courseId = 10 }).Body;
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync("", QueueNames.Agent(env.Rabbit.QueuePrefix, SyncAgent.Course), mandatory: true,
                new BasicProperties
                {
                    ContentType = "application/json",
                    Persistent = true,
                    Headers = new Dictionary<string, object?> { [OriginalRoutingKey.Header] = "core.course_viewed"u8.ToArray() },
                },
                System.Text.Encoding.UTF8.GetBytes(viewed));
        }

        await env.WaitForHandledAsync(1, service);
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Course));
        Assert.Empty((await env.ExportAsync()).Courses);
    }
}
