using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Tests.Faults.Child;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// The real executable (`dotnet mofa-sync.dll …`, copied into the test output by the Host
/// project reference) as a child process, so a test can SIGKILL or SIGTERM it like an operator
/// or an orchestrator would, with the faults a test places in it (<see cref="ChildFaults"/>, the
/// test assembly's startup hook). Its settings are the test environment's, passed as --setting.
/// </summary>
public sealed class MofaSyncProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly string? _releaseFile;

    private MofaSyncProcess(Process process, int healthPort, string? releaseFile)
    {
        _process = process;
        HealthPort = healthPort;
        _releaseFile = releaseFile;
    }

    /// <summary>0 when the process has no health endpoint.</summary>
    public int HealthPort { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{HealthPort}/");

    /// <summary>Starts `mofa-sync run` with the environment's settings and a health endpoint on a free port.</summary>
    public static MofaSyncProcess Run(TestEnvironment env, IReadOnlyDictionary<string, string>? settings = null, params string[] extraArguments) =>
        Run(env, settings, faults: null, extraArguments);

    /// <summary>The same, with <paramref name="faults"/> placed in the process.</summary>
    public static MofaSyncProcess Run(TestEnvironment env, IReadOnlyDictionary<string, string>? settings, ChildFaults? faults, params string[] extraArguments)
    {
        var port = TestPorts.Next();
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return Start(env, ["run", .. extraArguments], all, port, faults);
    }

    /// <summary>Starts any command with the environment's settings plus <paramref name="settings"/> (and <paramref name="faults"/> placed in it).</summary>
    public static MofaSyncProcess Start(TestEnvironment env, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> settings, int healthPort = 0, ChildFaults? faults = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mofa-sync.dll"));
        foreach (var word in command) info.ArgumentList.Add(word);

        var merged = env.Configuration().AsEnumerable()
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value!, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings) merged[key] = value;
        foreach (var (key, value) in merged)
        {
            info.ArgumentList.Add("--setting");
            info.ArgumentList.Add($"{key}={value}");
        }

        string? releaseFile = null;
        if (faults is not null)
        {
            releaseFile = faults.HoldWritesAfter is null ? null : Path.Combine(Path.GetTempPath(), $"mofa-sync-release-{Guid.NewGuid():N}");
            (faults with { ReleaseFile = releaseFile }).Apply(info);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new MofaSyncProcess(process, healthPort, releaseFile);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits (safety limit, not a timing assertion) until /health/ready answers 200.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? limit = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (HasExited) throw new InvalidOperationException($"the service exited ({ExitCode}) before it was ready:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the service was not ready within {limit ?? TimeSpan.FromSeconds(60)}:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the process has written <paramref name="text"/> <paramref name="occurrences"/>
    /// times (a fault point reached); <paramref name="budget"/> is a safety limit against a hang, not a timing assertion.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan budget, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + budget;
        while (Output.Split(text).Length - 1 < occurrences)
        {
            if (HasExited) throw new InvalidOperationException($"the service exited ({ExitCode}) before it wrote '{text}':\n{Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the service did not write '{text}' within {budget} (budget against a hang):\n{Tail()}");
            await Task.Delay(50);
        }
    }

    private int _releases;

    /// <summary>Lets the writes held by <see cref="ChildFaults.HoldWritesAfter"/> go on (the gate closes again at its next count).</summary>
    public void ReleaseHeldWrites()
    {
        var file = _releaseFile ?? throw new InvalidOperationException("this process holds no writes");
        // Written aside and moved into place, so the process never reads half a number.
        File.WriteAllText(file + ".new", (++_releases).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(file + ".new", file, overwrite: true);
    }

    /// <summary>The service's Prometheus text.</summary>
    public async Task<PrometheusText> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return new PrometheusText(await http.GetStringAsync(new Uri(BaseUrl, "metrics")));
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no chance to finish or acknowledge anything.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as `docker stop` or Kubernetes send it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !HasExited) throw new InvalidOperationException($"kill -TERM {Id} failed ({kill.ExitCode})");
    }

    /// <summary>Waits for the exit (safety limit) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the process did not exit within {limit}:\n{Tail()}");
        }

        // The asynchronous readers may still hold the last lines; this overload waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The last lines of the output, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        if (_releaseFile is not null) File.Delete(_releaseFile);
    }

    /// <summary>The dotnet host that runs the tests (the CLI sets DOTNET_HOST_PATH for its children).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
