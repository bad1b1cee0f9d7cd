using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// A real Prometheus (Debian's package), started by a test on a free loopback port with a
/// temporary configuration: the shipped alert rules, one scrape job `mofa-sync` on the service's
/// /metrics, and a short scrape and evaluation interval. Killed and its data deleted on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>How often it scrapes and evaluates the rules.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public sealed record Alert(string Name, string State, IReadOnlyDictionary<string, string> Labels);

    /// <param name="budget">Limit against a hang while it starts, not a timing assertion.</param>
    public static async Task<PrometheusServer> StartAsync(string rulesFile, int targetPort, TimeSpan budget)
    {
        var folder = Directory.CreateTempSubdirectory("mofa-sync-prometheus-").FullName;
        var seconds = $"{Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: {seconds}
              scrape_timeout: {seconds}
              evaluation_interval: {seconds}
            rule_files:
              - {rulesFile}
            scrape_configs:
              - job_name: mofa-sync
                static_configs:
                  - targets: ["127.0.0.1:{targetPort}"]
            """);
        var port = TestPorts.Next();
        var info = new ProcessStartInfo(PrometheusTools.Prometheus!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var server = new PrometheusServer(process, folder, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAsync(async () => (await server._http.GetAsync("-/ready")).IsSuccessStatusCode, budget, "ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Every alert Prometheus holds now, pending or firing (a resolved one is no longer listed).</summary>
    public async Task<IReadOnlyList<Alert>> AlertsAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("api/v1/alerts"));
        return json.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => new Alert(
                a.GetProperty("labels").GetProperty("alertname").GetString()!,
                a.GetProperty("state").GetString()!,
                a.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!)))
            .ToList();
    }

    /// <summary>The number of series an instant query returns.</summary>
    public async Task<int> SeriesAsync(string query)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"));
        return json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
    }

    /// <summary>Polls <paramref name="condition"/> every interval; <paramref name="budget"/> is a limit against a hang, not a timing assertion.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan budget, string what)
    {
        var deadline = DateTime.UtcNow + budget;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited ({_process.ExitCode}) before {what}:\n{Output}");
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not {what} within {budget} (budget against a hang):\n{Output}");
            await Task.Delay(Interval / 4);
        }
    }

    private string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
