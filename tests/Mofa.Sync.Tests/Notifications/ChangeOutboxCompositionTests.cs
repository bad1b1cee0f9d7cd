using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Tests.Store;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// The change outbox as the service composes it (SyncHostBuilder.AddSync), on a real SQLite file: its
/// store adapter is given Notifications:DigestWindow and records an applied change; a later
/// registration of <see cref="ChangeOutboxSettings.Off"/> (the bench's --without-notifications) leaves
/// the mirror path alone; and the service registers no outbox fault point (only the crash tests do).
/// </summary>
public sealed class ChangeOutboxCompositionTests : IDisposable
{
    private readonly string _path = SqliteTestFile.NewPath("mofa-outbox-composition");

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task The_services_store_records_an_applied_change_unless_the_outbox_is_replaced_by_none(bool withoutNotifications, int recorded)
    {
        var settings = new MofaSyncSettings();
        settings.Store.Sqlite.Path = _path;
        settings.Notifications.DigestWindow = TimeSpan.FromMinutes(3);
        var services = new ServiceCollection().AddLogging();
        SyncHostBuilder.AddSync(services, settings);
        if (withoutNotifications) services.AddSingleton(ChangeOutboxSettings.Off);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(OutboxFaultPoint));
        await using var provider = services.BuildServiceProvider();
        Assert.Equal(withoutNotifications ? ChangeOutboxSettings.Off : ChangeOutboxSettings.On(TimeSpan.FromMinutes(3)), provider.GetRequiredService<ChangeOutboxSettings>());
        var notifications = provider.GetRequiredService<INotificationStore>();
        await provider.GetRequiredService<IMirrorStore>().InitializeAsync(CancellationToken.None);
        await notifications.InitializeAsync(CancellationToken.None);

        var applied = await provider.GetRequiredService<MirrorApplier>()
            .ApplyAsync(new EventFactory().ModuleCreated(1, 42, 301, "quiz", 801, "Midterm"), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Applied, applied.Outcome);
        Assert.Equal(recorded, (await notifications.RecentAsync(10, CancellationToken.None)).Count);
    }

    public void Dispose() => SqliteTestFile.Delete(_path);
}
