using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Mofa.Sync.Bench;

/// <summary>
/// The service under measurement, seen from the bench: started as a child process (`dotnet mofa-sync-bench.dll --service-child`
/// from this program's folder), so its memory is its own: settings reach it as MOFASYNC__…
/// environment variables (never on the command line, where a password would show in `ps`); asked
/// for its counts and latencies over its stdin (<see cref="BenchServiceChild"/> answers).
/// </summary>
public sealed class MeasuredService : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly Queue<string> _logTail = new();
    private readonly Task _reader;

    private MeasuredService(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadOutputAsync);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Remember(e.Data); };
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static async Task<MeasuredService> StartAsync(IReadOnlyDictionary<string, string> settings, string? configFile, TimeSpan limit)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mofa-sync-bench.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"the service to benchmark is not beside the bench: {dll}");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--service-child");
        if (configFile is not null)
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(Path.GetFullPath(configFile));
        }

        foreach (var (key, value) in settings) start.Environment[Host.Settings.SettingsLoader.EnvironmentVariableOf(key)] = value;

        var child = new MeasuredService(Process.Start(start) ?? throw new InvalidOperationException("the service process did not start"));
        await child.ExpectAsync("ready", limit);
        return child;
    }

    /// <summary>Distinct messages the service has applied (or acknowledged as ignored), when the first and last were (UTC ticks), and its deliveries (redeliveries included).</summary>
    public async Task<(long Handled, long FirstTicks, long LastTicks, long Deliveries)> StatusAsync()
    {
        var p = (await AskAsync("status", "status")).Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return (p[0], p[1], p[2], p[3]);
    }

    /// <summary>The latency percentiles of the store-writing events applied since the last call.</summary>
    public async Task<(LatencySummary Total, LatencySplit Split)> TakeLatenciesAsync() => LatencySummary.ParseAll(await AskAsync("latencies", "latencies"));

    /// <summary>The service's commits, checkpoints and GC pauses since the last call.</summary>
    public async Task<ServiceTail> TakeTailAsync() => ServiceTail.Parse(await AskAsync("tail", "tail"));

    /// <summary>Peak resident memory so far (VmHWM of /proc/PID/status), in bytes; null where /proc is missing.</summary>
    public long? PeakResidentBytes()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (line is null) return null;
        var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kb * 1024;
    }

    /// <summary>Stops the service the way SIGTERM would (in-flight messages finish), then waits for the process.</summary>
    public async Task StopAsync(TimeSpan limit)
    {
        if (_process.HasExited) return;
        await AskAsync("stop", "stopped", limit);
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The last lines the service printed, for an error message.</summary>
    public string LogTail()
    {
        lock (_logTail) return string.Join(Environment.NewLine, _logTail);
    }

    private async Task<string> AskAsync(string command, string answer, TimeSpan? limit = null)
    {
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"the benchmarked service is gone. Its last lines:{Environment.NewLine}{LogTail()}");
        }

        return await ExpectAsync(answer, limit ?? TimeSpan.FromSeconds(30));
    }

    private async Task<string> ExpectAsync(string answer, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (true)
            {
                var line = await _answers.Reader.ReadAsync(timeout.Token);
                if (line == answer) return "";
                if (line.StartsWith(answer + " ", StringComparison.Ordinal)) return line[(answer.Length + 1)..];
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            var why = _process.HasExited ? $"exited with code {_process.ExitCode}" : $"did not answer '{answer}' within {limit.TotalSeconds:0} s";
            throw new InvalidOperationException($"the benchmarked service {why}. Its last lines:{Environment.NewLine}{LogTail()}");
        }
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(BenchServiceChild.Prefix, StringComparison.Ordinal)) _answers.Writer.TryWrite(line[BenchServiceChild.Prefix.Length..]);
            else Remember(line);
        }

        _answers.Writer.TryComplete();
    }

    private void Remember(string line)
    {
        lock (_logTail)
        {
            _logTail.Enqueue(line);
            while (_logTail.Count > 40) _logTail.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Only this child, by its own id: never a broad kill.
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        await _reader;
        _process.Dispose();
    }
}
