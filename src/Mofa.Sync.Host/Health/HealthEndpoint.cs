using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Host.Settings;
using OpenTelemetry.Metrics;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// A small Kestrel server on Service:HealthPort (loopback unless Service:HealthAddress opens it) that
/// the orchestrator and Prometheus call: /health/live, /health/ready, /metrics (GET and HEAD only). It is a web app of its own next to
/// the service's host, so the service stays a plain generic host; the checks and the meter
/// provider it serves are the service's.
/// </summary>
public sealed class HealthEndpoint(
    IServiceProvider services,
    MofaSyncSettings settings,
    SecretRedactor redactor,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    /// <summary>Checks with this tag make up readiness (MassTransit tags its bus check "ready" too).</summary>
    public const string ReadyTag = "ready";

    /// <summary>What every path answers; any other method gets 405.</summary>
    private static readonly string[] ScrapeMethods = [HttpMethods.Get, HttpMethods.Head];

    private readonly ILogger _logger = loggers.CreateLogger<HealthEndpoint>();
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = settings.Service.HealthPort;
        var address = HealthListenAddress.Of(settings.Service.HealthAddress);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            if (address is null) k.ListenAnyIP(port);
            else k.Listen(address, port);
        });
        builder.Services.AddRoutingCore();
        // Kestrel's own messages go to the service's log, in its format.
        builder.Services.AddSingleton(loggers);

        var app = builder.Build();
        // HEAD answers as GET does, without the body (Kestrel drops it): the status code is the answer.
        app.MapMethods(LivePath, ScrapeMethods, (RequestDelegate)WriteLiveAsync);
        app.MapMethods(ReadyPath, ScrapeMethods, (RequestDelegate)WriteReadyAsync);
        // The exporter answers any method; a scrape is a GET (or HEAD), anything else gets 405.
        app.MapPrometheusScrapingEndpoint(MetricsPath, services.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null)
            .WithMetadata(new HttpMethodMetadata(ScrapeMethods));

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException(
                $"the health endpoint cannot listen on port {port} ({ex.Message}); choose another with Service:HealthPort " +
                $"({SettingsLoader.EnvironmentVariableOf("Service:HealthPort")}), or 0 to turn it off", ex);
        }

        _app = app;
        _logger.LogInformation("Health and metrics on {Address} port {Port}: {Live}, {Ready}, {Metrics}",
            address?.ToString() ?? "every interface", port, LivePath, ReadyPath, MetricsPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>Live: the process runs and answers. Nothing else, so a broker outage never gets it restarted.</summary>
    private static Task WriteLiveAsync(HttpContext http) =>
        WriteAsync(http, new HealthReportDocument(nameof(HealthStatus.Healthy), []));

    /// <summary>
    /// Ready (200, Healthy or Degraded): the broker connection and the mirror store work and the service is
    /// not stopping; Degraded names the work that fails meanwhile. Not ready: 503, Unhealthy.
    /// </summary>
    private async Task WriteReadyAsync(HttpContext http)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await WriteAsync(http, HealthReportDocument.Unhealthy("service", "stopping"));
            return;
        }

        var checks = services.GetRequiredService<HealthCheckService>();
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(ReadyTag), http.RequestAborted);
        await WriteAsync(http, HealthReportDocument.From(report, redactor));
    }

    private static async Task WriteAsync(HttpContext http, HealthReportDocument document)
    {
        http.Response.StatusCode = document.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(document.ToJson(), http.RequestAborted);
    }
}
