using Microsoft.Extensions.Configuration;
using Mofa.Sync.Host.Settings;
using Xunit;

namespace Mofa.Sync.Tests.Health;

public sealed class HealthSettingsTests
{
    [Fact]
    public void The_health_port_defaults_to_8080()
    {
        var settings = MofaSyncSettings.Bind(new ConfigurationBuilder().Build());
        Assert.Equal(8080, settings.Service.HealthPort);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public void A_health_port_out_of_range_is_refused_by_name(string port)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Service:HealthPort"] = port }).Build();
        var error = Assert.Throws<SettingsException>(() => MofaSyncSettings.Bind(configuration));
        Assert.Contains("Service:HealthPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__SERVICE__HEALTHPORT", error.Message, StringComparison.Ordinal);
    }
}
