using System.Reflection;
using System.Text.Json;
using Mofa.Sync.Host.Broker;
using Mofa.Sync.Tests.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Settings;

/// <summary>What the commands say about the broker, as an operator runs them (the built executable, the real broker).</summary>
public sealed class BrokerAnswersTests
{
    [Fact]
    public async Task A_wrong_password_names_the_credentials_settings_not_the_host()
    {
        await using var env = new TestEnvironment();

        var run = await MofaSyncCli.RunAsync(env, "run", "--setting", "RabbitMq:Password=Wr0ng-S3cr3t", "--setting", "Service:HealthPort=0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the broker refused the login (ACCESS_REFUSED): check RabbitMq:Username and RabbitMq:Password", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not reachable", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-S3cr3t", run.Err + run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_to_a_missing_exchange_creates_nothing_and_says_what_to_run()
    {
        await using var env = new TestEnvironment();

        var publish = await MofaSyncCli.RunAsync(env, "publish", Path.Combine(RepoPaths.Root, "samples", "term-start.jsonl"));

        Assert.Equal(1, publish.ExitCode);
        Assert.Contains($"the exchange {env.Rabbit.Exchange} does not exist on the broker", publish.Err, StringComparison.Ordinal);
        Assert.Contains("`mofa-sync topology`", publish.Err, StringComparison.Ordinal);
        await using var inspector = await QueueInspector.ConnectAsync(env.Rabbit, CancellationToken.None);
        Assert.False(await inspector.ExchangeExistsAsync(env.Rabbit.Exchange, CancellationToken.None));
    }

    [Fact]
    public async Task Topology_check_only_reports_a_missing_exchange_as_missing()
    {
        await using var env = new TestEnvironment();

        var check = await MofaSyncCli.RunAsync(env, "topology", "--check-only", "--json");
        Assert.Equal(1, check.ExitCode);
        var report = JsonDocument.Parse(check.Out).RootElement;
        Assert.False(report.GetProperty("exchangeExists").GetBoolean());
        Assert.False(report.GetProperty("complete").GetBoolean());

        var text = await MofaSyncCli.RunAsync(env, "topology", "--check-only");
        Assert.Contains($"Exchange {env.Rabbit.Exchange} missing", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Bindings from", text.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await MofaSyncCli.RunAsync(env, "topology")).ExitCode);
        var declared = await MofaSyncCli.RunAsync(env, "topology", "--check-only", "--json");
        Assert.True(declared.ExitCode == 0, declared.Err);
        Assert.True(JsonDocument.Parse(declared.Out).RootElement.GetProperty("exchangeExists").GetBoolean());
    }

    [Fact]
    public async Task Version_prints_the_informational_version_of_the_build()
    {
        var run = await Validate.CommandLine.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        var expected = typeof(Mofa.Sync.Consumers.Telemetry.ServiceVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, run.Out.Trim());
    }
}
