using System.Diagnostics;
using System.Text;

namespace Mofa.Sync.Tests.Validate;

/// <summary>Runs the built `mofa-sync` executable (copied into the test output) as a user would.</summary>
internal static class CommandLine
{
    public static Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args) => RunInAsync(AppContext.BaseDirectory, null, args);

    /// <summary>Runs it from another directory and with extra environment variables (MOFASYNC__…), as an operator's shell would.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "mofa-sync.exe" : "mofa-sync"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
