using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Stops and starts the local broker's RabbitMQ application (the Erlang node keeps running), as
/// an operator restarting the broker would. It affects every user of the broker: only tests in
/// the "broker-restart" collection, which runs alone, may call it.
/// </summary>
public static class BrokerControl
{
    /// <summary>Whether rabbitmqctl can talk to the local node (it needs the node's Erlang cookie: root here and in CI).</summary>
    public static async Task<bool> IsControllableAsync() => (await RabbitmqctlAsync(TimeSpan.FromSeconds(30), "-q", "status")).ExitCode == 0;

    public static async Task StopAppAsync()
    {
        var result = await RabbitmqctlAsync(TimeSpan.FromSeconds(60), "stop_app");
        if (result.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl stop_app failed ({result.ExitCode}): {result.Output}");
    }

    /// <summary>Starts the application and waits until it accepts AMQP connections again.</summary>
    public static async Task StartAppAsync(RabbitMqOptions rabbit)
    {
        var started = await RabbitmqctlAsync(TimeSpan.FromSeconds(60), "start_app");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            // await_startup fails at once until the node has registered (shared/NOTES.md): retry it.
            if ((await RabbitmqctlAsync(TimeSpan.FromSeconds(30), "-q", "await_startup")).ExitCode == 0)
            {
                try
                {
                    await using var connection = await TestBroker.ConnectAsync(rabbit);
                    return;
                }
                catch (InvalidOperationException)
                {
                    // The listener is not open yet.
                }
            }

            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the broker did not come back within 90 s (start_app: {started.Output})");
            await Task.Delay(500);
        }
    }

    private static Task<(int ExitCode, string Output)> RabbitmqctlAsync(TimeSpan limit, params string[] arguments) =>
        CommandRunner.RunAsync(limit, "rabbitmqctl", arguments);
}
