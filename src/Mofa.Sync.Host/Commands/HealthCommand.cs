using System.ComponentModel;
using System.Globalization;
using Mofa.Sync.Host.Health;
using Spectre.Console;
using Spectre.Console.Cli;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// `mofa-sync health`: asks a running service's /health/ready, for scripts and probes; the same
/// states and checks as the endpoint. Exit code 0 ready, 1 unhealthy (not ready), 3 no answer,
/// 4 degraded (ready, but some work fails); 2 stays the code of bad settings or usage.
/// </summary>
public sealed class HealthCommand : AsyncCommand<HealthCommand.Options>
{
    public const int Ready = 0;
    public const int NotReady = 1;
    public const int NoAnswer = 3;
    public const int Degraded = 4;

    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("Print the endpoint's JSON report (status and checks) instead of a table")]
        public bool Json { get; set; }

        [CommandOption("--url <URL>")]
        [Description("The service's base URL (default http://{Service:HealthAddress}:{Service:HealthPort}, 127.0.0.1 when it is *)")]
        public string? Url { get; set; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait for an answer (default 5)")]
        [DefaultValue(5.0)]
        public double TimeoutSeconds { get; set; } = 5;

        public override ValidationResult Validate() =>
            TimeoutSeconds > 0 ? ValidationResult.Success() : ValidationResult.Error("--timeout must be positive");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var baseUrl = options.Url ?? DefaultBaseUrl(options);
        var readyUrl = new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), HealthEndpoint.ReadyPath.TrimStart('/'));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.GetAsync(readyUrl, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            var why = ex is TaskCanceledException ? $"no answer within {options.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s" : ex.Message;
            if (options.Json) Console.WriteLine(HealthReportDocument.Unhealthy("endpoint", $"{readyUrl}: {why}").ToJson());
            else Console.Error.WriteLine($"mofa-sync health: {readyUrl}: {why}");
            return NoAnswer;
        }

        using (response)
        {
            var report = TryParse(body);
            if (report is null)
            {
                Console.Error.WriteLine($"mofa-sync health: {readyUrl} answered {(int)response.StatusCode} without a health report; is this a mofa-sync service?");
                return NoAnswer;
            }

            if (options.Json) Console.WriteLine(report.ToJson());
            else Print(report);
            if (!response.IsSuccessStatusCode || !report.IsReady) return NotReady;
            return report.IsDegraded ? Degraded : Ready;
        }
    }

    private static string DefaultBaseUrl(Options options)
    {
        var (_, settings) = options.Load();
        if (settings.Service.HealthPort == 0)
        {
            throw new Settings.SettingsException("the health endpoint is off (Service:HealthPort is 0); pass --url of a service that has one");
        }

        // The endpoint's own address when it listens on one; loopback when it listens on every interface.
        var address = HealthListenAddress.Of(settings.Service.HealthAddress);
        var host = address is null || address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any) ? "127.0.0.1"
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return $"http://{host}:{settings.Service.HealthPort}";
    }

    private static HealthReportDocument? TryParse(string body)
    {
        try
        {
            return HealthReportDocument.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static void Print(HealthReportDocument report)
    {
        var colour = report.IsDegraded ? "yellow" : report.IsReady ? "green" : "red";
        AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(report.State)}[/]");
        var table = new Table().AddColumn("check").AddColumn("status").AddColumn("description");
        foreach (var check in report.Checks)
        {
            table.AddRow(Markup.Escape(check.Name), Markup.Escape(check.Status), Markup.Escape(check.Description ?? ""));
        }

        if (report.Checks.Count > 0) AnsiConsole.Write(table);
    }
}
