using Mofa.Sync.Host.Broker;
using Mofa.Sync.Host.Settings;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// Runs a command line (mofa-sync, mofa-sync-bench) and turns what operators meet into one plain
/// line on stderr and an exit code: 2 for a bad setting or argument (credentials the broker refuses
/// included), 3 for an unreachable broker,
/// 130 when cancelled, 1 otherwise.
/// </summary>
public static class CommandLineExit
{
    public static async Task<int> RunAsync(ICommandApp app, string[] args, string name)
    {
        ConsoleWidth.Apply();
        try
        {
            return await app.RunAsync(args);
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine($"{name}: {ex.Message}");
            return 2;
        }
        catch (Recordings.MissingExchangeException ex)
        {
            Console.Error.WriteLine($"{name}: {ex.Message}");
            return 1;
        }
        catch (QueueMismatchException ex)
        {
            Console.Error.WriteLine($"{name}: {ex.Message}");
            return 2;
        }
        catch (CommandParseException ex)
        {
            var explained = OptionSuggestions.Installed is { } suggestions ? await suggestions.ExplainAsync(app, args, ex) : null;
            Console.Error.WriteLine($"{name}: {explained ?? ex.Message}");
            return 2;
        }
        catch (CommandRuntimeException ex)
        {
            Console.Error.WriteLine($"{name}: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (BrokerRefusal.Explain(ex) is { } refusal)
        {
            // Not an outage: the broker answered and said no. Retrying will not help; the settings must change.
            Console.Error.WriteLine($"{name}: {refusal}");
            return 2;
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            Console.Error.WriteLine($"{name}: the broker is not reachable ({ex.InnerException?.Message ?? ex.Message}). Check RabbitMq:Host and RabbitMq:Port (or RabbitMq:Hosts), or start a local broker with rabbitmq/start-local-broker.sh");
            return 3;
        }
        catch (Exception ex)
        {
            // Plain words on one line for operators; the stack trace only when asked for.
            Console.Error.WriteLine($"{name}: {ex.GetType().Name}: {ex.Message}");
            if (Environment.GetEnvironmentVariable("MOFASYNC_DEBUG") == "1") Console.Error.WriteLine(ex);
            return 1;
        }
    }

}
