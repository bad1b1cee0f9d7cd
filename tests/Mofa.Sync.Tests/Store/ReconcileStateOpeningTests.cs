using Microsoft.Extensions.Configuration;
using Mofa.Sync.Host.Commands;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Store.MongoDb;
using Mofa.Sync.Store.Sqlite;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>How `mofa-sync reconcile status` opens the state (CommonSettings.OpenReconcileStateAsync): the configured store's, creating nothing.</summary>
public sealed class ReconcileStateOpeningTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mofa-reconcile-open-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private string DatabasePath => Path.Combine(_folder, "mirror.db");

    [Fact]
    public async Task A_missing_mirror_file_is_a_settings_error_and_is_not_created()
    {
        var ex = await Assert.ThrowsAsync<SettingsException>(() => CommonSettings.OpenReconcileStateAsync(Settings(("Store:Sqlite:Path", DatabasePath)), _timeout.Token));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task The_state_the_service_wrote_is_read_from_the_configured_file()
    {
        var service = new SqliteReconcileStateStore(new SqliteStoreOptions { Path = DatabasePath });
        await service.InitializeAsync(_timeout.Token);
        Assert.True(await service.TryLeaseAsync("https://moodle.example", "instance-a", DateTimeOffset.UnixEpoch.AddDays(20_000), TimeSpan.FromMinutes(1), _timeout.Token));

        var status = await CommonSettings.OpenReconcileStateAsync(Settings(("Store:Sqlite:Path", DatabasePath)), _timeout.Token);

        Assert.IsType<SqliteReconcileStateStore>(status);
        Assert.Equal("instance-a", Assert.Single(await status.ListAsync(_timeout.Token)).LeaseHolder);
    }

    [Fact]
    public async Task MongoDb_as_the_store_kind_gives_its_state_store_without_a_connection()
    {
        var status = await CommonSettings.OpenReconcileStateAsync(
            Settings(("Store:Kind", "MongoDb"), ("Store:MongoDb:ConnectionString", "mongodb://db.example/")), _timeout.Token);

        Assert.IsType<MongoReconcileStateStore>(status);
    }

    public void Dispose()
    {
        SqliteTestFile.Delete(DatabasePath);
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        _timeout.Dispose();
    }

    private static MofaSyncSettings Settings(params (string Key, string Value)[] values) =>
        MofaSyncSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());
}
