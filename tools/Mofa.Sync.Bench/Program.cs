using Mofa.Sync.Bench;
using Mofa.Sync.Host.Commands;
using Spectre.Console.Cli;

// `mofa-sync-bench`: the bench as a tool beside the service (docs/performance.md). It runs the
// service it measures as a child process of itself (--service-child), on its own queues and database.
// The bench's own settings (Bench:Floor, Bench:WithoutNotifications) reach its child with the service's.
Mofa.Sync.Host.Settings.SettingsSchema.AllowSection("Bench");
var app = new CommandApp<BenchCommand>();
app.Configure(config =>
{
    config.SetApplicationName("mofa-sync-bench");
    config.PropagateExceptions();
});

return await CommandLineExit.RunAsync(app, args, "mofa-sync-bench");
