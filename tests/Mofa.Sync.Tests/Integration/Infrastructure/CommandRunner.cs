using System.Diagnostics;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>Runs a tool of the machine (rabbitmqctl, bash) with a time limit; never throws for a missing tool or a hang.</summary>
public static class CommandRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan limit, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{file} {string.Join(' ', arguments)} did not finish within {limit}");
            }

            return (process.ExitCode, (await stdout + await stderr).Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{file} is not installed here: {ex.Message}");
        }
    }
}
