using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Health;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Health;

/// <summary>/health/live, /health/ready and /metrics of the real service composition, over real HTTP.</summary>
public sealed class HealthEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Live_and_ready_answer_200_and_ready_names_the_broker_and_store_checks()
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new() { ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var service = await TestService.StartAsync(env);

        using var live = await Http.GetAsync(Url(port, HealthEndpoint.LivePath));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var (status, report) = await ReadyAsync(port);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", report.Status);
        Assert.Contains(report.Checks, c => c.Name == MirrorStoreHealthCheck.Name && c.Status == "Healthy");
        Assert.Contains(report.Checks, c => c.Name.Contains("masstransit", StringComparison.Ordinal) && c.Status == "Healthy");
    }

    [Fact]
    public async Task Ready_turns_503_while_the_store_is_unreachable_and_200_when_it_is_back()
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new()
        {
            ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var service = await TestService.StartAsync(env, UnplugStore.Install);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(port)).Status);

        var store = service.Services.GetRequiredService<UnplugStore>();
        store.Unplugged = true;
        var (status, report) = await ReadyAsync(port);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains(report.Checks, c => c.Name == MirrorStoreHealthCheck.Name && c.Status == "Unhealthy"
            && c.Description!.Contains("unreachable: disk I/O error", StringComparison.Ordinal));

        // Liveness does not depend on the store: restarting the process would not help.
        using (var live = await Http.GetAsync(Url(port, HealthEndpoint.LivePath)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        store.Unplugged = false;
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(port)).Status);
    }

    [Fact]
    public async Task Metrics_expose_the_sync_meter_as_prometheus_text()
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new() { ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var service = await TestService.StartAsync(env);

        var course = """{"schemaVersion":1,"eventId":"m-1","site":"https://moodle.example.edu","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":5,"fullName":"Metrics","shortName":"M"}""";
        await env.PublishAsync([(BridgeRoutingKeys.CourseCreated, course), (BridgeRoutingKeys.CourseCreated, course), (BridgeRoutingKeys.CourseCreated, "not json")]);
        await env.WaitForHandledAsync(3, service);

        using var response = await Http.GetAsync(Url(port, HealthEndpoint.MetricsPath));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());

        // At least: other tests' services in this process share the meter's name.
        var kind = ("kind", BridgeRoutingKeys.CourseCreated);
        Assert.True(metrics.Sum(FaultRun.Received, kind) >= 3, metrics.Text);
        Assert.True(metrics.Sum(FaultRun.Outcomes, kind, ("outcome", "applied")) >= 1, metrics.Text);
        Assert.True(metrics.Sum(FaultRun.Outcomes, kind, ("outcome", "duplicate")) >= 1, metrics.Text);
        Assert.True(metrics.Sum(FaultRun.Outcomes, kind, ("outcome", "invalid")) >= 1, metrics.Text);
        Assert.True(metrics.Sum("mofa_sync_apply_duration_seconds_count", kind) >= 2, metrics.Text);
        Assert.True(metrics.Has("mofa_sync_apply_duration_seconds_bucket"), metrics.Text);
        // Buckets made for seconds (the default ones start at 5, made for milliseconds).
        Assert.Contains(metrics.Text.Split('\n'), l => l.StartsWith("mofa_sync_apply_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains("le=\"0.005\"", StringComparison.Ordinal));
        // The invalid message went to _error: a dead-lettered message of the course agent's queue.
        Assert.True(metrics.Sum("mofa_sync_dead_lettered_total", ("queue", env.Rabbit.QueuePrefix + ".course-agent")) >= 1, metrics.Text);
        // The embedded store's own instruments, under the names docs/operations.md gives.
        Assert.True(metrics.Has("mofa_sync_store_commit_duration_seconds_bucket"), metrics.Text);
        Assert.True(metrics.Has("mofa_sync_store_commit_events_bucket"), metrics.Text);
        Assert.DoesNotContain("_milliseconds", metrics.Text, StringComparison.Ordinal);

        // The running version, and the .NET runtime's and the process's own metrics.
        // At least one series (other tests' services in this process have their own), each of value 1.
        Assert.True(metrics.Sum("mofa_sync_build_info", ("version", Mofa.Sync.Consumers.Telemetry.ServiceVersion.Current)) >= 1, metrics.Text);
        Assert.True(metrics.Has("dotnet_gc_collections_total") || metrics.Has("process_runtime_dotnet_gc_collections_count_total"), metrics.Text);
        Assert.True(metrics.Has("process_cpu_time_seconds_total"), metrics.Text);
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_with_a_message_naming_the_setting()
    {
        using var squatter = new TcpListener(IPAddress.IPv6Any, 0) { Server = { DualMode = true } };
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var env = new TestEnvironment(new() { ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestService.StartAsync(env));
        Assert.Contains("Service:HealthPort", error.Message, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_port_zero_runs_no_endpoint()
    {
        await using var env = new TestEnvironment(new() { ["Service:HealthPort"] = "0" });
        await using var service = await TestService.StartAsync(env);
        Assert.DoesNotContain(service.Services.GetServices<IHostedService>(), s => s is HealthEndpoint);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("TRACE")]
    [InlineData("PUT")]
    public async Task Every_path_answers_only_GET_and_HEAD(string method)
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new() { ["Service:HealthPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var service = await TestService.StartAsync(env);

        foreach (var path in new[] { HealthEndpoint.MetricsPath, HealthEndpoint.LivePath, HealthEndpoint.ReadyPath })
        {
            using (var other = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), Url(port, path))))
            {
                Assert.Equal(HttpStatusCode.MethodNotAllowed, other.StatusCode);
            }

            using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url(port, path)));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {path}: {head.StatusCode}");
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            using var get = await Http.GetAsync(Url(port, path));
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"GET {path}: {get.StatusCode}");
        }
    }

    /// <summary>An IPv4 address of this machine other than loopback, or null when it has none.</summary>
    private static IPAddress? ExternalAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    [SkippableFact]
    public async Task The_endpoint_listens_on_loopback_unless_HealthAddress_opens_it()
    {
        var external = ExternalAddress();
        Skip.If(external is null, "this machine has no IPv4 address other than loopback to try");

        var port = TestPorts.Next();
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var env = new TestEnvironment(new() { ["Service:HealthPort"] = portText }))
        await using (var service = await TestService.StartAsync(env))
        {
            using var local = await Http.GetAsync(Url(port, HealthEndpoint.LivePath));
            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
            await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(new Uri($"http://{external}:{port}{HealthEndpoint.LivePath}")));
        }

        await using (var env = new TestEnvironment(new() { ["Service:HealthPort"] = portText, ["Service:HealthAddress"] = "*" }))
        await using (var service = await TestService.StartAsync(env))
        {
            using var remote = await Http.GetAsync(new Uri($"http://{external}:{port}{HealthEndpoint.LivePath}"));
            Assert.Equal(HttpStatusCode.OK, remote.StatusCode);
        }
    }

    private static Uri Url(int port, string path) => new($"http://127.0.0.1:{port}{path}");

    private static async Task<(HttpStatusCode Status, HealthReportDocument Report)> ReadyAsync(int port)
    {
        using var response = await Http.GetAsync(Url(port, HealthEndpoint.ReadyPath));
        var report = HealthReportDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(report);
        return (response.StatusCode, report);
    }
}
