using Mofa.Sync.Host.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("mofa-sync");
    config.SetApplicationVersion(Mofa.Sync.Consumers.Telemetry.ServiceVersion.Informational);
    config.PropagateExceptions();
    // An unknown option stops the command before it is validated or run, naming the option meant.
    OptionSuggestions.Install(config);
    config.AddCommand<RunCommand>("run").WithDescription("Run the service: consume Moodle events and keep the mirror true");
    config.AddCommand<TopologyCommand>("topology").WithDescription("Declare and check the exchange, the agents' queues and bindings");
    config.AddBranch("mirror", mirror =>
    {
        mirror.SetDescription("Read the mirror");
        mirror.AddCommand<MirrorExportCommand>("export").WithDescription("Print the mirror as one JSON object");
        mirror.AddCommand<MirrorShowCommand>("show").WithDescription("Print a readable summary: courses with their modules and teachers");
    });
    config.AddBranch("reconcile", reconcile =>
    {
        reconcile.SetDescription("Read courses back from a Moodle site's web services and make the mirror equal to them (exit 0 no drift, 1 drift found, 3 site unreadable, 4 some courses failed); `reconcile status`: the rolling reconcile");
        reconcile.SetDefaultCommand<ReconcileCommand>();
        reconcile.AddCommand<ReconcileStatusCommand>("status").WithDescription("The rolling reconcile of each site: its period, the last full pass, the current one, drift by kind (exit 4 when a pass cannot keep up)");
    });
    config.AddCommand<HealthCommand>("health").WithDescription("Ask a running service whether it is ready (exit 0 ready, 4 degraded, 1 unhealthy, 3 no answer)");
    config.AddCommand<NotificationsCommand>("notifications").WithDescription("List recent teacher notifications and what became of them");
    config.AddCommand<ValidateCommand>("validate").WithDescription("Check a file of bridge messages (.jsonl) with the service's parser and validators, without a broker");
    config.AddCommand<PublishCommand>("publish").WithDescription("Send a file of recorded bridge messages (.jsonl) to the exchange");
    config.AddDlqBranch();
    config.AddBranch("config", settings =>
    {
        settings.SetDescription("The settings");
        settings.AddCommand<ConfigShowCommand>("show").WithDescription("Print the settings in force, each with where it came from (default, file, environment, option); secrets masked");
    });
});

return await CommandLineExit.RunAsync(app, args, "mofa-sync");
