using Mofa.Sync.Bench;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;

// `mofa-sync-bench`: the bench as a tool beside the service (docs/performance.md). It runs the
// service it measures as a child process of itself (--service-child), on its own queues and database.
var app = new CommandApp<BenchCommand>();
app.Configure(config =>
{
    config.SetApplicationName("mofa-sync-bench");
    config.PropagateExceptions();
});

try
{
    return await app.RunAsync(args);
}
catch (Exception ex) when (ex is SettingsException or CommandParseException or CommandRuntimeException)
{
    Console.Error.WriteLine($"mofa-sync-bench: {ex.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
{
    Console.Error.WriteLine($"mofa-sync-bench: the broker is not reachable ({ex.InnerException?.Message ?? ex.Message}). Check RabbitMq:Host and RabbitMq:Port (or RabbitMq:Hosts), or start a local broker with rabbitmq/start-local-broker.sh");
    return 3;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"mofa-sync-bench: {ex.GetType().Name}: {ex.Message}");
    if (Environment.GetEnvironmentVariable("MOFASYNC_DEBUG") == "1") Console.Error.WriteLine(ex);
    return 1;
}
