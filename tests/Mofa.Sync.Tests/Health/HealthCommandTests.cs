using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Health;
using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Health;

/// <summary>`mofa-sync health` (the real executable) against a running service, for scripts: its exit codes and --json.</summary>
public sealed class HealthCommandTests
{
    [Fact]
    public async Task It_exits_0_with_a_json_report_while_the_service_is_ready_and_1_when_it_is_not()
    {
        var port = TestPorts.Next();
        await using var env = new TestEnvironment(new()
        {
            ["Service:HealthPort"] = port.ToString(CultureInfo.InvariantCulture),
        });
        await using var service = await TestService.StartAsync(env, UnplugStore.Install);

        // The port comes from the same settings the service reads.
        var (code, output) = await HealthAsync(env, "--json");
        Assert.True(code == HealthCommand.Ready, output);
        var report = HealthReportDocument.Parse(output);
        Assert.NotNull(report);
        Assert.Equal("Healthy", report.Status);
        Assert.Contains(report.Checks, c => c.Name == MirrorStoreHealthCheck.Name);

        service.Services.GetRequiredService<UnplugStore>().Unplugged = true;
        (code, output) = await HealthAsync(env);

        Assert.True(code == HealthCommand.NotReady, output);
        Assert.Contains("not ready", output, StringComparison.Ordinal);
        Assert.Contains(MirrorStoreHealthCheck.Name, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_exits_3_when_nothing_answers_and_2_when_the_endpoint_is_off()
    {
        await using var env = new TestEnvironment();

        var (code, output) = await HealthAsync(env, "--url", $"http://127.0.0.1:{TestPorts.Next()}");
        Assert.True(code == HealthCommand.NoAnswer, output);

        (code, output) = await HealthAsync(env);
        Assert.True(code == 2, output);
        Assert.Contains("Service:HealthPort", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> HealthAsync(TestEnvironment env, params string[] arguments)
    {
        await using var command = MofaSyncProcess.Start(env, ["health", .. arguments], new Dictionary<string, string>());
        var code = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, command.Output);
    }
}
