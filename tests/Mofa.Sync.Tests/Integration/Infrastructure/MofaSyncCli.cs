using System.Diagnostics;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>The built `mofa-sync` executable, run as an operator runs it, with a test environment's broker and store settings.</summary>
public static class MofaSyncCli
{
    /// <summary>Runs one command; its output is read as raw bytes decoded as UTF-8, so a stray control byte shows in the text.</summary>
    public static Task<(int ExitCode, string Out, string Err)> RunAsync(TestEnvironment env, params string[] args) =>
        RunAsync(env, new Dictionary<string, string>(), args);

    /// <summary>The same, with <paramref name="environment"/> variables set for the process (EDITOR, for one).</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(TestEnvironment env, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "mofa-sync.exe" : "mofa-sync"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var setting in new[]
        {
            $"RabbitMq:Host={env.Rabbit.Host}", $"RabbitMq:Exchange={env.Rabbit.Exchange}", $"RabbitMq:QueuePrefix={env.Rabbit.QueuePrefix}",
            $"Store:Sqlite:Path={env.DatabasePath}",
        })
        {
            start.ArgumentList.Add("--setting");
            start.ArgumentList.Add(setting);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
