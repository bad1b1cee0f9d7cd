using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Consumers.Configuration;

/// <summary>Section RabbitMq (environment: MOFASYNC__RABBITMQ__…).</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 5672;

    /// <summary>
    /// The nodes of a RabbitMQ cluster, each "host" or "host:port" (Port when none is given). When
    /// set, they replace Host and Port: the service connects to any of them and moves to another
    /// when its node goes away.
    /// </summary>
    public List<string> Hosts { get; set; } = [];

    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";

    /// <summary>A secret: never logged.</summary>
    public string Password { get; set; } = "guest";

    /// <summary>The topic exchange the bridge publishes to.</summary>
    public string Exchange { get; set; } = "moodle.events";

    /// <summary>Prefix of the agents' queue names: {prefix}.course-agent, ….</summary>
    public string QueuePrefix { get; set; } = "mofa-sync";

    /// <summary>Unacknowledged messages the broker hands each agent at once.</summary>
    public int PrefetchCount { get; set; } = 128;

    /// <summary>Messages each agent works on at once (their writes share the store's group commits).</summary>
    public int ConcurrentMessageLimit { get; set; } = 64;

    /// <summary>
    /// The largest body the agents accept, in bytes; a larger one goes to _error at once, cut
    /// (see MessageLimits). The default, 16 MiB, holds every message the contract allows.
    /// </summary>
    public int MaxBodyBytes { get; set; } = MessageLimits.DefaultMaxBodyBytes;

    /// <summary>
    /// The largest header table the agents accept, in bytes (AMQP field-table encoding); a message
    /// with more goes to _error at once without its headers, so the copy fits the broker's frame.
    /// </summary>
    public int MaxHeaderBytes { get; set; } = MessageLimits.DefaultMaxHeaderBytes;

    /// <summary>The type of the queues the service declares (agents, notifications, their _error queues).</summary>
    public QueueType QueueType { get; set; } = QueueType.Classic;

    /// <summary>
    /// Quorum queues only: a message handed out this many times without being acknowledged (its
    /// consumer crashed or lost its connection each time) is dead-lettered into its queue's _error queue.
    /// </summary>
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>The broker nodes to connect to, in the configured order: Hosts, or else Host:Port.</summary>
    public IReadOnlyList<BrokerNode> Nodes() =>
        Hosts.Count == 0 ? [new BrokerNode(Host, Port)] : Hosts.Select(h => BrokerNode.Parse(h, Port)).ToList();

    public override string ToString() =>
        $"amqp://{Username}@{string.Join(",", Nodes())}{(VirtualHost == "/" ? "/" : "/" + VirtualHost)}";
}

/// <summary>The queue types the service can declare.</summary>
public enum QueueType
{
    /// <summary>RabbitMQ's classic queue: lives on one node.</summary>
    Classic,

    /// <summary>A quorum queue: replicated over the cluster's nodes (Raft), with a delivery limit.</summary>
    Quorum,
}
