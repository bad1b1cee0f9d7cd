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
        Assert.Equal(Host.Settings.StoreKind.Sqlite, settings.Store.Kind);
        Assert.Equal("moodle.events", settings.RabbitMq.Exchange);
        Assert.Equal(["editingteacher", "manager"], settings.Sync.TeacherRoleSet().Order());
    }

    [Theory]
    [InlineData("RabbitMq:Port", "0", "RabbitMq:Port must be between 1 and 65535")]
    [InlineData("RabbitMq:Port", "not-a-number", "RabbitMq:Port (environment variable MOFASYNC__RABBITMQ__PORT) must be a whole number, like 5672 (got 'not-a-number'")]
    [InlineData("RabbitMq:PrefetchCount", "-1", "RabbitMq:PrefetchCount must be between 1 and 65535")]
    [InlineData("RabbitMq:MaxBodyBytes", "100", "RabbitMq:MaxBodyBytes must be between 1024 and 134217728 bytes")]
    [InlineData("RabbitMq:MaxBodyBytes", "200000000", "RabbitMq:MaxBodyBytes must be between 1024 and 134217728 bytes")]
    [InlineData("RabbitMq:MaxHeaderBytes", "131072", "RabbitMq:MaxHeaderBytes must be between 1024 and 65536 bytes")]
    [InlineData("RabbitMq:QueuePrefix", "has space", "RabbitMq:QueuePrefix must be a non-empty name without spaces")]
    [InlineData("Store:Kind", "Oracle", "Store:Kind")]
    [InlineData("Store:TombstoneRetention", "-1.00:00:00", "Store:TombstoneRetention (environment variable MOFASYNC__STORE__TOMBSTONERETENTION) must be a duration such as 30s")]
    [InlineData("Store:TombstoneRetention", "10675199.00:00:00", "Store:TombstoneRetention must be between 00:01:00 and 3650.00:00:00 (got 10675199.00:00:00)")]
    [InlineData("Store:PurgeInterval", "00:00:00.0000001", "Store:PurgeInterval must be between 00:00:01 and 7.00:00:00")]
    [InlineData("Store:PurgeInterval", "60.00:00:00", "Store:PurgeInterval must be between 00:00:01 and 7.00:00:00")]
    [InlineData("Notifications:FlushInterval", "00:00:00.0000001", "Notifications:FlushInterval must be between 00:00:00.1000000 and 00:10:00")]
    [InlineData("Service:ShutdownTimeout", "10675199.00:00:00", "Service:ShutdownTimeout must be between 00:00:01 and 01:00:00")]
    [InlineData("Store:Sqlite:BusyTimeout", "30.00:00:00", "Store:Sqlite:BusyTimeout must be between 00:00:00.1000000 and 00:10:00")]
    [InlineData("Sync:RetryMaxInterval", "10.00:00:00", "Sync:RetryMaxInterval must be between 00:00:00.0010000 and 01:00:00")]
    [InlineData("Moodle:RetryDelay", "1.00:00:00", "Moodle:RetryDelay must be positive and at most 00:10:00")]
    [InlineData("RabbitMq:ConcurrentMessageLimit", "2147483647", "RabbitMq:ConcurrentMessageLimit must be between 1 and 10000")]
    [InlineData("Sync:RetryLimit", "1000", "Sync:RetryLimit must be between 0 and 100")]
    [InlineData("Service:ShutdownTimeout", "00:00:00", "Service:ShutdownTimeout must be between 00:00:01 and 01:00:00 (got 00:00:00)")]
    [InlineData("Notifications:MaxDigestsPerSecond", "0", "Notifications:MaxDigestsPerSecond must be between 1 and 1000")]
    [InlineData("RabbitMq:Hosts:0", "rabbit1:99999", "RabbitMq:Hosts:0 must be host or host:port")]
    [InlineData("RabbitMq:Hosts:0", "rabbit one:5672", "RabbitMq:Hosts:0 must be host or host:port")]
    [InlineData("RabbitMq:QueueType", "Mirrored", "RabbitMq:QueueType (environment variable MOFASYNC__RABBITMQ__QUEUETYPE) must be one of Classic, Quorum (got 'Mirrored'")]
    [InlineData("RabbitMq:DeliveryLimit", "0", "RabbitMq:DeliveryLimit must be between 1 and 10000")]
    [InlineData("Reconcile:SafetyMargin", "2.00:00:00", "Reconcile:SafetyMargin must be between 00:00:00 and 1.00:00:00")]
    [InlineData("Reconcile:PageSize", "0", "Reconcile:PageSize must be between 1 and 10000")]
    [InlineData("Reconcile:CallsPerSecond", "0", "Reconcile:CallsPerSecond must be above 0 and at most 1000")]
    [InlineData("Reconcile:ConcurrentCourses", "100", "Reconcile:ConcurrentCourses must be between 1 and 64")]
    [InlineData("Reconcile:RetryLimit", "101", "Reconcile:RetryLimit must be between 0 and 100")]
    [InlineData("Reconcile:RetryMinInterval", "00:05:00", "Reconcile:RetryMinInterval must be positive and not above Reconcile:RetryMaxInterval")]
    [InlineData("Reconcile:LeaseTime", "00:00:00.5", "Reconcile:LeaseTime must be between 00:00:01 and 01:00:00")]
    [InlineData("Reconcile:StatusInterval", "01:00:00", "Reconcile:StatusInterval must be between 00:00:01 and 00:10:00")]
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

    [Theory]
    [InlineData("mongodb://localhost:99999/", "Host 'localhost:99999' is not valid")]
    [InlineData("mongodb://mofa:S3cr3t%zz-pw@localhost/", "contains an invalid '%' escape sequence")]
    public void A_MongoDB_URL_the_driver_cannot_use_stops_start_up_without_its_password(string url, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Bind(("Store:Kind", "MongoDb"), ("Store:MongoDb:ConnectionString", url)));
        Assert.Contains("Store:MongoDb:ConnectionString is not a valid MongoDB connection string", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Moodle_sites_bind_from_their_environment_form_and_take_the_moodle_defaults()
    {
        // What the environment provider makes of MOFASYNC__MOODLE__SITES__0__URL and friends.
        var settings = Bind(("MOODLE:SITES:0:URL", "HTTPS://A.example/"), ("MOODLE:SITES:0:TOKEN", "tok-a"),
            ("MOODLE:SITES:1:URL", "https://b.example/moodle"), ("MOODLE:SITES:1:TIMEOUT", "00:00:05"), ("MOODLE:RETRYLIMIT", "7"));

        var sites = new Moodle.MoodleSites(settings.Moodle);
        Assert.Equal(["https://a.example", "https://b.example/moodle"], sites.All.Select(s => s.Url).Order());
        Assert.Equal(("tok-a", 7), (sites.Find("https://a.example")!.Token, sites.Find("https://a.example")!.RetryLimit));
        var b = sites.Find("https://b.example/moodle")!;
        Assert.Equal((false, TimeSpan.FromSeconds(5), 7), (b.HasToken, b.Timeout, b.RetryLimit));
    }

    [Theory]
    [InlineData("Moodle:Sites:0:Url", "https://admin:S3cr3t-pw@moodle.example.edu", "Moodle:Sites:0:Url must be the site's wwwroot")]
    [InlineData("Moodle:Sites:0:Url", "https://moodle.example.edu/index.php?S3cr3t-pw", "it has a query")]
    [InlineData("Moodle:Sites:0:Token", "S3cr3t-pw with spaces", "Moodle:Sites:0:Token must be a web service token without spaces")]
    [InlineData("Moodle:Sites:0:RetryLimit", "99", "Moodle:Sites:0:RetryLimit must be between 0 and 20")]
    [InlineData("Moodle:Sites:0:Timeout", "00:00:00", "Moodle:Sites:0:Timeout must be positive")]
    [InlineData("Moodle:BaseUrl", "https://other.example", "Moodle:BaseUrl and Moodle:Token are the shorthand for one site")]
    [InlineData("Moodle:Sites:0:Reconcile:Period", "00:00:05", "Moodle:Sites:0:Reconcile:Period must be between 00:00:10 and 366.00:00:00")]
    [InlineData("Moodle:Sites:0:Reconcile:Period", "400.00:00:00", "Moodle:Sites:0:Reconcile:Period must be between 00:00:10 and 366.00:00:00")]
    public void A_bad_site_setting_is_named_without_its_value(string key, string value, string expected)
    {
        var values = new Dictionary<string, string> { ["Moodle:Sites:0:Url"] = "https://moodle.example.edu", ["Moodle:Sites:0:Token"] = "tok-0" };
        values[key] = value;
        var error = Assert.Throws<SettingsException>(() => Bind(values.Select(p => (p.Key, p.Value)).ToArray()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(SettingsLoader.EnvironmentVariableOf(key), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr3t-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rolling_reconcile_needs_the_site_s_token()
    {
        var error = Assert.Throws<SettingsException>(() => Bind(("Moodle:Sites:0:Url", "https://moodle.example.edu"), ("Moodle:Sites:0:Reconcile:Period", "1.00:00:00")));
        Assert.Contains("Moodle:Sites:0:Reconcile:Period needs the site's Token", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__MOODLE__SITES__0__RECONCILE__PERIOD", error.Message, StringComparison.Ordinal);

        var site = Assert.Single(new Moodle.MoodleSites(Bind(("Moodle:Sites:0:Url", "https://moodle.example.edu"), ("Moodle:Sites:0:Token", "tok-0"), ("Moodle:Sites:0:Reconcile:Period", "12h")).Moodle).All);
        Assert.Equal(TimeSpan.FromHours(12), site.ReconcilePeriod);
    }

    [Fact]
    public void The_same_site_twice_is_named()
    {
        var error = Assert.Throws<SettingsException>(() => Bind(
            ("Moodle:Sites:0:Url", "https://moodle.example.edu"), ("Moodle:Sites:1:Url", "HTTPS://moodle.example.edu:443/")));
        Assert.Contains("Moodle:Sites:1:Url names the same site as Moodle:Sites:0:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_without_its_site_stops_start_up_instead_of_going_to_each_message_s_site()
    {
        var error = Assert.Throws<SettingsException>(() => Bind(("Moodle:Token", "tok-S3cr3t-pw")));
        Assert.Contains("Moodle:Token belongs to one Moodle site: set Moodle:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__MOODLE__SITES__0__URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr3t-pw", error.Message, StringComparison.Ordinal);

        // The shorthand with its site is a list of one.
        var one = Bind(("Moodle:BaseUrl", "https://moodle.example.edu/"), ("Moodle:Token", "tok-1"));
        Assert.Equal("https://moodle.example.edu", Assert.Single(new Moodle.MoodleSites(one.Moodle).All).Url);
    }

    [Fact]
    public void Cluster_nodes_come_from_the_hosts_list_in_order_with_the_port_as_default()
    {
        var settings = Bind(("RabbitMq:Hosts:0", "rabbit1.example.edu"), ("RabbitMq:Hosts:1", "rabbit2.example.edu:5673"),
            ("RabbitMq:Hosts:2", "[::1]:5674"), ("RabbitMq:Port", "5680"), ("RabbitMq:QueueType", "quorum"));

        Assert.Equal(["rabbit1.example.edu:5680", "rabbit2.example.edu:5673", "[::1]:5674"], settings.RabbitMq.Nodes().Select(n => n.ToString()));
        Assert.Equal(Mofa.Sync.Consumers.Configuration.QueueType.Quorum, settings.RabbitMq.QueueType);
        Assert.Equal("amqp://guest@localhost:5672/", Bind().RabbitMq.ToString());
        Assert.Equal(Mofa.Sync.Consumers.Configuration.QueueType.Classic, Bind().RabbitMq.QueueType);
    }

    [Fact]
    public void A_setting_override_must_look_like_key_equals_value()
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(overrides: ["Store:Sqlite:Path"]));
        Assert.Contains("--setting 'Store:Sqlite:Path' must look like Section:Key=Value", error.Message, StringComparison.Ordinal);
    }
}
