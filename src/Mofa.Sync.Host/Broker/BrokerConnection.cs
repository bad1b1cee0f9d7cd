using MassTransit;
using Mofa.Sync.Agents.Consuming;
using Mofa.Sync.Agents.Configuration;
using RabbitMQ.Client;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// The one place where RabbitMq settings become broker connections: the node list (RabbitMq:Hosts,
/// or Host and Port) for MassTransit's bus and for the tools that speak RabbitMQ.Client directly.
/// Both try the nodes in turn and, on a lost connection, reconnect to whichever node answers.
/// </summary>
public static class BrokerConnection
{
    /// <summary>The nodes as RabbitMQ.Client endpoints (it tries them in a random order and recovers through them).</summary>
    public static IList<AmqpTcpEndpoint> Endpoints(RabbitMqOptions rabbit) =>
        rabbit.Nodes().Select(n => new AmqpTcpEndpoint(n.Host, n.Port)).ToList();

    /// <summary>A factory with the credentials and virtual host; connect it with <see cref="ConnectAsync"/>, which passes every node.</summary>
    public static ConnectionFactory Factory(RabbitMqOptions rabbit)
    {
        var first = rabbit.Nodes()[0];
        return new ConnectionFactory
        {
            HostName = first.Host,
            Port = first.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            AutomaticRecoveryEnabled = true,
        };
    }

    /// <summary>A connection to any of the nodes that answers.</summary>
    public static Task<IConnection> ConnectAsync(RabbitMqOptions rabbit, string name, bool automaticRecovery = true, CancellationToken ct = default)
    {
        var factory = Factory(rabbit);
        factory.AutomaticRecoveryEnabled = automaticRecovery;
        return factory.CreateConnectionAsync(Endpoints(rabbit), name, ct);
    }

    /// <summary>
    /// The AMQP heartbeat the service asks for. It bounds how long a connection that no longer reads
    /// can go unnoticed: RabbitMQ.Client (7.2.2) stops draining its socket writes when a write fails
    /// (a node that stops resets the socket while acks are in flight); its reader, handling the
    /// node's connection.close, then waits for ever to queue its close-ok, so neither MassTransit nor
    /// the consumers hear that the connection is gone, and nothing reconnects to another node. Only
    /// the missed-heartbeat check (a third interval without a frame) ends such a connection: with
    /// the client's default of 60 s that took two to three minutes, with 10 s it takes 20 to 30 s.
    /// </summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    /// <summary>MassTransit's host: the first node, and with several nodes the cluster it fails over to.</summary>
    public static void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit)
    {
        var nodes = rabbit.Nodes();
        cfg.Host(nodes[0].Host, (ushort)nodes[0].Port, rabbit.VirtualHost, h =>
        {
            h.Username(rabbit.Username);
            h.Password(rabbit.Password);
            // Every message the broker can hold is taken off the socket and then judged by
            // RabbitMq:MaxBodyBytes: above the client's own limit it would close the connection.
            h.MaxMessageSize(MessageLimits.ClientMaxMessageBytes);
            // Named, so that the broker's connection list shows which deployment it is.
            h.ConnectionName($"mofa-sync {rabbit.QueuePrefix}");
            h.Heartbeat(Heartbeat);
            if (nodes.Count > 1)
            {
                h.UseCluster(c =>
                {
                    foreach (var node in nodes) c.Node(node.ToString());
                });
            }
        });
    }
}
