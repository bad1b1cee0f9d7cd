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

    [Fact]
    public void The_health_endpoint_listens_on_loopback_by_default()
    {
        var settings = MofaSyncSettings.Bind(new ConfigurationBuilder().Build());
        Assert.Equal("127.0.0.1", settings.Service.HealthAddress);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("0.0.0.0.0")]
    [InlineData("")]
    public void A_health_address_that_is_no_IP_address_is_refused_by_name(string address)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Service:HealthAddress"] = address }).Build();
        var error = Assert.Throws<SettingsException>(() => MofaSyncSettings.Bind(configuration));
        Assert.Contains("Service:HealthAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__SERVICE__HEALTHADDRESS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("1.00:00:01")]
    public void A_clock_skew_out_of_range_is_refused_by_name(string skew)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sync:MaxClockSkew"] = skew }).Build();
        var error = Assert.Throws<SettingsException>(() => MofaSyncSettings.Bind(configuration));
        Assert.Contains("Sync:MaxClockSkew", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__SYNC__MAXCLOCKSKEW", error.Message, StringComparison.Ordinal);
    }
}
