using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Telemetry;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>How the service's endpoints handle a message that faulted.</summary>
public static class BoundedErrorPipe
{
    /// <summary>
    /// The error pipe is <see cref="BoundedErrorTransportFilter"/> alone: the message goes to _error
    /// as a bounded copy, and no Fault event is published. MassTransit publishes Fault&lt;T&gt; to
    /// exchanges named after the message type (MassTransit:Fault--…), without the queue prefix, so
    /// two deployments on one broker would share them; nothing reads them, the _error queue is the record.
    /// </summary>
    /// <param name="errorQueueArguments">The arguments the _error queue is declared with (its type: RabbitMq:QueueType).</param>
    /// <param name="bridgeEvents">Whether the endpoint reads bridge events (an agent's queue), whose dead letters count as their kind's faulted outcome.</param>
    public static void UseBoundedErrorTransport(this IReceiveEndpointConfigurator endpoint, IServiceProvider services,
        IReadOnlyDictionary<string, object?> errorQueueArguments, bool bridgeEvents)
    {
        endpoint.PublishFaults = false;
        var filter = new BoundedErrorTransportFilter(
            services.GetRequiredService<MessageLimits>(),
            services.GetRequiredService<SyncMetrics>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<BoundedErrorTransportFilter>(),
            errorQueueArguments,
            bridgeEvents);
        endpoint.ConfigureError(x => x.UseFilter(filter));
    }
}
