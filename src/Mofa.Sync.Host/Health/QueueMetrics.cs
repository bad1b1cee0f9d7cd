using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// The depth of the service's queues and the consumers of its work queues, read from the broker
/// every Service:QueueMetricsInterval with passive declares (which never create anything) and
/// exported as mofa_sync_queue_messages and mofa_sync_queue_consumers: what an alert on messages
/// waiting in an _error queue, or on an agent nobody consumes, reads. While the broker cannot be
/// read the gauges have no series rather than an old value (the service's health says why).
/// </summary>
public sealed class QueueMetrics : BackgroundService
{
    private readonly MofaSyncSettings _settings;
    private readonly ILogger<QueueMetrics> _logger;
    private readonly IReadOnlyList<string> _workQueues;
    private readonly IReadOnlyList<string> _queues;
    private volatile IReadOnlyList<QueueInspector.QueueState> _latest = [];

    public QueueMetrics(MofaSyncSettings settings, IMeterFactory meters, ILogger<QueueMetrics> logger)
    {
        _settings = settings;
        _logger = logger;
        _workQueues = QueueNames.WorkQueues(settings.RabbitMq.QueuePrefix);
        _queues = [.. _workQueues, .. _workQueues.Select(QueueNames.ErrorOf)];
        var meter = meters.Create(SyncMetrics.MeterName);
        meter.CreateObservableGauge("mofa_sync_queue_messages",
            () => _latest.Select(q => new Measurement<long>(q.Messages, new KeyValuePair<string, object?>("queue", q.Name))),
            description: "Messages ready in each of the service's queues (the agents', the notifications' and their _error queues; 0 for one not declared yet), as the broker last answered");
        meter.CreateObservableGauge("mofa_sync_queue_consumers",
            () => _latest.Where(q => _workQueues.Contains(q.Name)).Select(q => new Measurement<long>(q.Consumers, new KeyValuePair<string, object?>("queue", q.Name))),
            description: "Consumers of each work queue (of every instance), as the broker last answered");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        QueueInspector? inspector = null;
        using var timer = new PeriodicTimer(_settings.Service.QueueMetricsInterval);
        try
        {
            do
            {
                try
                {
                    inspector ??= await QueueInspector.ConnectAsync(_settings.RabbitMq, stoppingToken);
                    var states = new List<QueueInspector.QueueState>(_queues.Count);
                    foreach (var queue in _queues) states.Add(await inspector.InspectAsync(queue, stoppingToken));
                    // A passive declare on a closed connection fails like one on a missing queue: only an open one's answers count.
                    if (!inspector.IsOpen) throw new InvalidOperationException("the broker connection closed while the queues were read");
                    _latest = states;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    _latest = [];
                    _logger.LogDebug("The queues' depth could not be read: {Reason}", PlainText.Escape(ex.Message));
                    if (inspector is not null) await DisposeQuietlyAsync(inspector);
                    inspector = null;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (inspector is not null) await DisposeQuietlyAsync(inspector);
        }
    }

    /// <summary>How long closing the connection may take: with the broker gone, the client would wait its own 30 s, holding up a stop.</summary>
    private static readonly TimeSpan CloseBudget = TimeSpan.FromSeconds(2);

    private static async Task DisposeQuietlyAsync(QueueInspector inspector)
    {
        try
        {
            await inspector.DisposeAsync().AsTask().WaitAsync(CloseBudget);
        }
        catch (Exception)
        {
            // A connection that is already gone, or does not answer: nothing left to close.
        }
    }
}
