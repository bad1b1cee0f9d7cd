using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Telemetry;
using RabbitMQ.Client;
using Mofa.Sync.Consumers.Edge;

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
            SocketFactory = BrokerSocket.Factory(),
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
    /// can go unnoticed, as when a node's machine or network goes away without closing its sockets:
    /// the missed-heartbeat check (a third interval without a frame) ends such a connection, which
    /// with the client's default of 60 s took two to three minutes, with 10 s 20 to 30 s. (A node
    /// that stops and resets its sockets while the service writes is <see cref="BrokerSocket"/>'s case.)
    /// </summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    /// <summary>
    /// MassTransit's host: the first node, and with several nodes the cluster it fails over to.
    /// <paramref name="onSocketWriteFailure"/> hears of a connection whose socket failed while writing
    /// (its node went away; see <see cref="BrokerSocket"/>).
    /// </summary>
    public static void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit, Action<Exception>? onSocketWriteFailure = null)
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
            // MassTransit makes the client's connection factory itself; this hook, called before each
            // connection attempt, is where its sockets can be chosen.
            var sockets = BrokerSocket.Factory(onSocketWriteFailure);
            h.OnRefreshConnectionFactory = factory =>
            {
                factory.SocketFactory = sockets;
                return Task.CompletedTask;
            };
            if (nodes.Count > 1)
            {
                h.UseCluster(c =>
                {
                    foreach (var node in nodes) c.Node(node.ToString());
                });
            }
        });
    }

    /// <summary>
    /// Says, at warning level, that a broker connection's socket failed while writing, and counts it as
    /// mofa_sync_transport_errors_total{kind="socket_write_failed"} (when the service's metrics are registered).
    /// </summary>
    public static Action<Exception> ReportSocketWriteFailure(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrokerSocket).FullName!);
        var metrics = services.GetService<SyncMetrics>();
        return ex =>
        {
            metrics?.TransportError("socket_write_failed");
            logger.LogWarning("The broker connection's socket failed while writing ({Error}): the node is gone; what the connection still writes is dropped so that it closes, and the service reconnects to a node that answers (unacknowledged messages are delivered again)",
                ex.GetBaseException().Message);
        };
    }
}
