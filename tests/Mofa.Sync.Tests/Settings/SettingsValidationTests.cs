using Microsoft.Extensions.Configuration;
using Mofa.Sync.Host.Settings;
using Xunit;

namespace Mofa.Sync.Tests.Settings;

/// <summary>A bad setting stops start-up with the setting's name (and never a secret's value).</summary>
public sealed class SettingsValidationTests
{
    private static MofaSyncSettings Bind(params (string Key, string Value)[] values) =>
        MofaSyncSettings.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value))
            .Build());

    [Fact]
    public void The_defaults_are_valid_and_use_the_embedded_store()
    {
        var settings = Bind();
        Assert.Equal(Consumers.Configuration.StoreKind.Sqlite, settings.Store.Kind);
        Assert.Equal("moodle.events", settings.RabbitMq.Exchange);
        Assert.Equal(["editingteacher", "manager"], settings.Sync.TeacherRoleSet().Order());
    }

    [Theory]
    [InlineData("RabbitMq:Port", "0", "RabbitMq:Port must be between 1 and 65535")]
    [InlineData("RabbitMq:Port", "not-a-number", "setting RabbitMq:Port has a value of the wrong type")]
    [InlineData("RabbitMq:PrefetchCount", "-1", "RabbitMq:PrefetchCount must be between 1 and 65535")]
    [InlineData("RabbitMq:MaxBodyBytes", "100", "RabbitMq:MaxBodyBytes must be between 1024 and 134217728 bytes")]
    [InlineData("RabbitMq:MaxBodyBytes", "200000000", "RabbitMq:MaxBodyBytes must be between 1024 and 134217728 bytes")]
    [InlineData("RabbitMq:MaxHeaderBytes", "131072", "RabbitMq:MaxHeaderBytes must be between 1024 and 65536 bytes")]
    [InlineData("RabbitMq:QueuePrefix", "has space", "RabbitMq:QueuePrefix must be a non-empty name without spaces")]
    [InlineData("Store:Kind", "Oracle", "Store:Kind")]
    [InlineData("Store:TombstoneRetention", "-1.00:00:00", "Store:TombstoneRetention must be positive")]
    [InlineData("Sync:RetryLimit", "1000", "Sync:RetryLimit must be between 0 and 100")]
    [InlineData("Service:ShutdownTimeout", "00:00:00", "Service:ShutdownTimeout must be positive")]
    [InlineData("Notifications:MaxDigestsPerSecond", "0", "Notifications:MaxDigestsPerSecond must be between 1 and 1000")]
    public void A_bad_setting_is_named_with_its_environment_variable(string key, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Bind((key, value)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(SettingsLoader.EnvironmentVariableOf(key), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MongoDB_needs_its_connection_string_and_a_wrong_one_is_reported_without_its_password()
    {
        var missing = Assert.Throws<SettingsException>(() => Bind(("Store:Kind", "MongoDb")));
        Assert.Contains("Store:MongoDb:ConnectionString must be set", missing.Message, StringComparison.Ordinal);

        var wrong = Assert.Throws<SettingsException>(() => Bind(("Store:Kind", "MongoDb"), ("Store:MongoDb:ConnectionString", "postgres://admin:S3cr3t-pw@db")));
        Assert.Contains("must start with mongodb://", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr3t-pw", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_override_must_look_like_key_equals_value()
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(overrides: ["Store:Sqlite:Path"]));
        Assert.Contains("--setting 'Store:Sqlite:Path' must look like Section:Key=Value", error.Message, StringComparison.Ordinal);
    }
}
