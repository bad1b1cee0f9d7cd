using System.Diagnostics;
using System.Text;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// promtool and prometheus from Debian's `prometheus` package (scripts/install-prometheus.sh, run by
/// scripts/test.sh). A test that needs them skips with <see cref="SkipReason"/> only when they are not installed.
/// </summary>
internal static class PrometheusTools
{
    public const string SkipReason = "promtool and prometheus are not installed: Debian's prometheus package could not be installed (scripts/install-prometheus.sh, run by scripts/test.sh)";

    public static string? Promtool => Find("promtool");

    public static string? Prometheus => Find("prometheus");

    public static bool Installed => Promtool is not null && Prometheus is not null;

    /// <summary>Runs a tool to its end; <paramref name="budget"/> is a limit against a hang, not a timing assertion.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan budget, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(budget);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {budget} (budget against a hang)");
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
