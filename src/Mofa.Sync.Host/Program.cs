using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("mofa-sync");
    config.PropagateExceptions();
    config.AddCommand<RunCommand>("run").WithDescription("Run the service: consume Moodle events and keep the mirror true");
    config.AddCommand<TopologyCommand>("topology").WithDescription("Declare and check the exchange, the agents' queues and bindings");
    config.AddBranch("mirror", mirror =>
    {
        mirror.SetDescription("Read the mirror");
        mirror.AddCommand<MirrorExportCommand>("export").WithDescription("Print the mirror as one JSON object");
        mirror.AddCommand<MirrorShowCommand>("show").WithDescription("Print a readable summary: courses with their modules and teachers");
    });
    config.AddCommand<ReconcileCommand>("reconcile").WithDescription("Read courses back from a Moodle site's web services and make the mirror equal to them (exit 0 no drift, 1 drift found, 3 site unreadable, 4 some courses failed)");
    config.AddCommand<HealthCommand>("health").WithDescription("Ask a running service whether it is ready (exit 0 ready, 1 not ready, 3 no answer)");
    config.AddCommand<NotificationsCommand>("notifications").WithDescription("List recent teacher notifications and what became of them");
    config.AddCommand<ValidateCommand>("validate").WithDescription("Check a file of bridge messages (.jsonl) with the service's parser and validators, without a broker");
    config.AddCommand<PublishCommand>("publish").WithDescription("Send a file of recorded bridge messages (.jsonl) to the exchange");
    config.AddDlqBranch();
});

try
{
    return await app.RunAsync(args);
}
catch (SettingsException ex)
{
    Console.Error.WriteLine($"mofa-sync: {ex.Message}");
    return 2;
}
catch (Mofa.Sync.Host.Broker.QueueMismatchException ex)
{
    Console.Error.WriteLine($"mofa-sync: {ex.Message}");
    return 2;
}
catch (CommandParseException ex)
{
    Console.Error.WriteLine($"mofa-sync: {ex.Message}");
    return 2;
}
catch (CommandRuntimeException ex)
{
    Console.Error.WriteLine($"mofa-sync: {ex.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
{
    Console.Error.WriteLine($"mofa-sync: the broker is not reachable ({ex.InnerException?.Message ?? ex.Message}). Check RabbitMq:Host and RabbitMq:Port (or RabbitMq:Hosts), or start a local broker with rabbitmq/start-local-broker.sh");
    return 3;
}
catch (Exception ex)
{
    // Plain words on one line for operators; the stack trace only when asked for.
    Console.Error.WriteLine($"mofa-sync: {ex.GetType().Name}: {ex.Message}");
    if (Environment.GetEnvironmentVariable("MOFASYNC_DEBUG") == "1") Console.Error.WriteLine(ex);
    return 1;
}
