using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Tests.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Cluster;

/// <summary>
/// The three-node RabbitMQ cluster of rabbitmq/start-local-cluster.sh (mofa1-3@localhost, AMQP
/// 5681-5683, management 15681-15683), beside the shared local broker, which it never touches.
/// The fixture starts the cluster when it is not running (and stops it again at the end), and lets
/// a test stop and start one node's RabbitMQ application, as a lost and recovered node.
/// MOFASYNC_TEST_CLUSTER=0 skips the cluster tests.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    public const int Size = 3;
    private bool _startedHere;

    /// <summary>Null when the cluster runs; otherwise why the cluster tests are skipped.</summary>
    public string? SkipReason { get; private set; }

    public static string NodeName(int n) => $"mofa{n}@localhost";

    public static int AmqpPort(int n) => 5680 + n;

    public static int ManagementPort(int n) => 15680 + n;

    public static IEnumerable<int> Nodes => Enumerable.Range(1, Size);

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("MOFASYNC_TEST_CLUSTER") == "0")
        {
            SkipReason = "MOFASYNC_TEST_CLUSTER=0: no local three-node cluster in this run";
            return;
        }

        var running = (await RunAsync(TimeSpan.FromSeconds(30), "rabbitmqctl", "-n", NodeName(1), "-q", "ping")).ExitCode == 0;
        var script = Path.Combine(RepoPaths.Root, "rabbitmq", "start-local-cluster.sh");
        var started = await RunAsync(TimeSpan.FromMinutes(5), "bash", script);
        if (started.ExitCode != 0)
        {
            SkipReason = $"the local cluster could not be started with rabbitmq/start-local-cluster.sh (it needs root and rabbitmq-server): {started.Output}";
            return;
        }

        _startedHere = !running;
    }

    public async Task DisposeAsync()
    {
        // A cluster this run started goes again; one that was running before stays.
        if (_startedHere) await RunAsync(TimeSpan.FromMinutes(3), "bash", Path.Combine(RepoPaths.Root, "rabbitmq", "start-local-cluster.sh"), "--stop");
    }

    /// <summary>A test world whose service knows all three nodes and declares quorum queues.</summary>
    public static TestEnvironment NewEnvironment(Dictionary<string, string?>? overrides = null, QueueType queueType = QueueType.Quorum)
    {
        var env = new TestEnvironment(overrides);
        env.Rabbit.Hosts.AddRange(Nodes.Select(n => $"localhost:{AmqpPort(n)}"));
        env.Rabbit.QueueType = queueType;
        return env;
    }

    /// <summary>Stops the node's RabbitMQ application (the Erlang VM stays): its clients lose their connections, its queue members go away.</summary>
    public static async Task StopNodeAsync(int n)
    {
        var result = await RunAsync(TimeSpan.FromSeconds(90), "rabbitmqctl", "-n", NodeName(n), "stop_app");
        if (result.ExitCode != 0) throw new InvalidOperationException($"stop_app on {NodeName(n)} failed: {result.Output}");
    }

    /// <summary>Starts the node's application again and waits until it accepts AMQP and management connections.</summary>
    public static async Task StartNodeAsync(int n)
    {
        await RunAsync(TimeSpan.FromSeconds(90), "rabbitmqctl", "-n", NodeName(n), "start_app");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            // await_startup fails at once until the node has registered: retry it.
            if ((await RunAsync(TimeSpan.FromSeconds(60), "rabbitmqctl", "-n", NodeName(n), "-q", "await_startup")).ExitCode == 0)
            {
                try
                {
                    // The management listener opens after the AMQP one: the tests ask it which node is which.
                    using var amqp = new System.Net.Sockets.TcpClient();
                    await amqp.ConnectAsync("127.0.0.1", AmqpPort(n));
                    using var management = new System.Net.Sockets.TcpClient();
                    await management.ConnectAsync("127.0.0.1", ManagementPort(n));
                    return;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // The listener is not open yet.
                }
            }

            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"{NodeName(n)} did not come back within 120 s");
            await Task.Delay(500);
        }
    }

    /// <summary>The node whose connection carries the consumers of <paramref name="queue"/> (waits until there is one).</summary>
    public static async Task<int> NodeConsumingAsync(string queue, int askNode = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var doc = await GetAsync(askNode, "api/consumers/%2F");
            foreach (var consumer in doc.RootElement.EnumerateArray())
            {
                // channel_details is an empty array, not an object, while the broker has not filled it in yet.
                if (consumer.GetProperty("queue").GetProperty("name").GetString() == queue
                    && consumer.GetProperty("channel_details") is { ValueKind: JsonValueKind.Object } channel
                    && channel.TryGetProperty("node", out var node) && node.GetString() is { } name)
                {
                    return NodeNumber(name);
                }
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no consumer on {queue} within 60 s");
            await Task.Delay(500);
        }
    }

    /// <summary>The node that leads the quorum queue (its Raft leader).</summary>
    public static async Task<int> LeaderOfAsync(string queue, int askNode = 1)
    {
        using var doc = await GetAsync(askNode, $"api/queues/%2F/{Uri.EscapeDataString(queue)}");
        var leader = doc.RootElement.TryGetProperty("leader", out var l) ? l.GetString() : doc.RootElement.GetProperty("node").GetString();
        return NodeNumber(leader ?? throw new InvalidOperationException($"{queue} has no leader"));
    }

    private static int NodeNumber(string nodeName) => nodeName[4] - '0';

    private static async Task<JsonDocument> GetAsync(int node, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort(node)}/"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative)));
    }

    private static Task<(int ExitCode, string Output)> RunAsync(TimeSpan limit, string file, params string[] arguments) =>
        CommandRunner.RunAsync(limit, file, arguments);
}

/// <summary>The cluster tests: one at a time, and alone (they stop nodes and load the machine).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "cluster";
}
