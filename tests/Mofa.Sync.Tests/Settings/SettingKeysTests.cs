using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Tests.Validate;
using Xunit;

namespace Mofa.Sync.Tests.Settings;

/// <summary>
/// A mistyped setting stops start-up naming it and the key meant, wherever it came from (a file,
/// --setting, a MOFASYNC__ variable); values are checked against their type's form. The built
/// executable, as an operator runs it.
/// </summary>
public sealed class SettingKeysTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mofa-sync-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Unknown_keys_from_a_file_an_option_and_the_environment_are_each_named_with_the_key_meant()
    {
        var file = Path.Combine(_folder, "site.json");
        await File.WriteAllTextAsync(file, """{ "Moodle": { "Site": [ "https://moodle.example.edu" ] }, "Store": { "Sqlite": { "Paht": "/tmp/m.db" } } }""");

        var run = await CommandLine.RunInAsync(_folder, new Dictionary<string, string> { ["MOFASYNC__RABBITMQ__PASWORD"] = "S3cr3t-pw" },
            "run", "--config", file, "--setting", "RabbitMq:QueuePrefx=x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"Moodle:Site:0 is not a setting of mofa-sync (from file {file}): did you mean Moodle:Sites:0?", run.Err, StringComparison.Ordinal);
        Assert.Contains($"Store:Sqlite:Paht is not a setting of mofa-sync (from file {file}): did you mean Store:Sqlite:Path?", run.Err, StringComparison.Ordinal);
        Assert.Contains("RabbitMq:QueuePrefx is not a setting of mofa-sync (from option --setting): did you mean RabbitMq:QueuePrefix?", run.Err, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__RABBITMQ__PASWORD is not a setting of mofa-sync (environment): did you mean MOFASYNC__RABBITMQ__PASSWORD (RabbitMq:Password)?",
            run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cr3t-pw", run.Err + run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void One_value_for_a_list_is_refused_instead_of_dropped()
    {
        var error = Assert.Throws<SettingsException>(() => Bind(("SYNC:TEACHERROLES", "editingteacher")));
        Assert.Contains("SYNC:TEACHERROLES holds settings, not one value (from option --setting): set its keys, like SYNC:TEACHERROLES:0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Logging:Format=xml", "Logging:Format (environment variable MOFASYNC__LOGGING__FORMAT) must be one of simple, json (got 'xml', from option --setting)")]
    [InlineData("RabbitMq:QueueType=Mirrored", "RabbitMq:QueueType (environment variable MOFASYNC__RABBITMQ__QUEUETYPE) must be one of Classic, Quorum")]
    [InlineData("RabbitMq:Port=five", "RabbitMq:Port (environment variable MOFASYNC__RABBITMQ__PORT) must be a whole number, like 5672 (got 'five'")]
    [InlineData("Store:PurgeInterval=soon", "Store:PurgeInterval (environment variable MOFASYNC__STORE__PURGEINTERVAL) must be a duration such as 30s, 5m, 2h, 7d or 00:00:30 (got 'soon'")]
    [InlineData("Reconcile:CallsPerSecond=1,5", "Reconcile:CallsPerSecond (environment variable MOFASYNC__RECONCILE__CALLSPERSECOND) must be a number (with a . for decimals)")]
    public async Task A_value_of_the_wrong_form_says_the_form_expected(string setting, string expected)
    {
        var run = await CommandLine.RunInAsync(_folder, null, "config", "show", "--setting", setting);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("Store:PurgeInterval=00:00:00.0000001", "Store:PurgeInterval must be between 00:00:01 and 7.00:00:00")]
    [InlineData("Notifications:FlushInterval=00:00:00.0000001", "Notifications:FlushInterval must be between 00:00:00.1000000 and 00:10:00")]
    [InlineData("Service:ShutdownTimeout=10675199.00:00:00", "Service:ShutdownTimeout must be between 00:00:01 and 01:00:00")]
    [InlineData("Store:TombstoneRetention=10675199.00:00:00", "Store:TombstoneRetention must be between 00:01:00 and 3650.00:00:00")]
    public async Task A_value_the_code_cannot_run_with_stops_the_service_before_it_starts(string setting, string expected)
    {
        var run = await CommandLine.RunInAsync(_folder, null, "run", "--setting", setting, "--setting", $"Store:Sqlite:Path={Path.Combine(_folder, "m.db")}");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task A_broken_settings_file_is_named_with_its_line()
    {
        var file = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(file, "{\n  \"Store\": {\n    \"Kind\": \"Sqlite\"\n    \"PurgeInterval\": \"1h\"\n  }\n}\n");

        var run = await CommandLine.RunInAsync(_folder, null, "run", "--config", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"mofa-sync: the settings file {file} is not valid JSON at line 4, column 5", run.Err.Trim());
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m", 60)]
    [InlineData("2h", 7200)]
    [InlineData("00:00:45", 45)]
    public void Durations_take_the_short_form_dlq_purge_takes(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Bind(("Notifications:DigestWindow", value)).Notifications.DigestWindow);

    [Fact]
    public async Task Config_show_prints_each_setting_with_its_source_and_masks_secrets()
    {
        var file = Path.Combine(_folder, "site.json");
        await File.WriteAllTextAsync(file, """{ "Moodle": { "Sites": [ { "Url": "https://moodle.example.edu", "Token": "tok-S3cr3t" } ] }, "Store": { "Sqlite": { "Path": "mirror.db" } } }""");

        var run = await CommandLine.RunInAsync(Path.GetTempPath(), new Dictionary<string, string> { ["MOFASYNC__RABBITMQ__PASSWORD"] = "S3cr3t-pw" },
            "config", "show", "--json", "--config", file, "--setting", "Store:PurgeInterval=30m");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.DoesNotContain("S3cr3t", run.Out + run.Err, StringComparison.Ordinal);
        var rows = JsonDocument.Parse(run.Out).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => (Value: r.GetProperty("value").GetString(), Source: r.GetProperty("source").GetString()));
        Assert.Equal(("(set, hidden)", "environment MOFASYNC__RABBITMQ__PASSWORD"), rows["RabbitMq:Password"]);
        Assert.Equal(("(set, hidden)", $"file {file}"), rows["Moodle:Sites:0:Token"]);
        Assert.Equal(("https://moodle.example.edu", $"file {file}"), rows["Moodle:Sites:0:Url"]);
        // A relative path in a settings file is relative to that file's folder, not to the current directory.
        Assert.Equal((Path.Combine(_folder, "mirror.db"), $"file {file}"), rows["Store:Sqlite:Path"]);
        Assert.Equal(("00:30:00", "option --setting"), rows["Store:PurgeInterval"]);
        Assert.Equal(("20", "default"), rows["Notifications:MaxDigestsPerSecond"]);
        Assert.Equal("file " + Path.Combine(AppContext.BaseDirectory, "appsettings.json"), rows["RabbitMq:Exchange"].Source);
    }

    [Fact]
    public async Task The_deploy_example_settings_file_passes_the_start_up_checks_with_its_store_outside_the_build_folder()
    {
        var file = Contracts.RepoPaths.Of("deploy/site.example.json");

        var run = await CommandLine.RunInAsync(_folder, null, "config", "show", "--json", "--config", file);

        Assert.True(run.ExitCode == 0, run.Err);
        var path = JsonDocument.Parse(run.Out).RootElement.EnumerateArray().Single(r => r.GetProperty("key").GetString() == "Store:Sqlite:Path");
        Assert.Equal(("/var/lib/mofa-sync/mirror.db", $"file {file}"), (path.GetProperty("value").GetString(), path.GetProperty("source").GetString()));
    }

    private static MofaSyncSettings Bind(params (string Key, string Value)[] values) =>
        MofaSyncSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());
}
