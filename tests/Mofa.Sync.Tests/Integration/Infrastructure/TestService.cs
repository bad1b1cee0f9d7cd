using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>
/// The real service (the same composition as `mofa-sync run`) against the real broker and a real
/// SQLite file, isolated per test. Start several instances on one <see cref="TestEnvironment"/>
/// to have concurrent consumers of the same queues and store.
/// </summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly IHost _host;

    private TestService(IHost host, MofaSyncSettings settings)
    {
        _host = host;
        Settings = settings;
    }

    public MofaSyncSettings Settings { get; }

    public IServiceProvider Services => _host.Services;

    public ActivityMonitor Activity => _host.Services.GetRequiredService<ActivityMonitor>();

    public static async Task<TestService> StartAsync(TestEnvironment env, Action<IServiceCollection>? extra = null)
    {
        var configuration = env.Configuration();
        var settings = MofaSyncSettings.Bind(configuration);
        var host = SyncHostBuilder.Build(configuration, settings, extra);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A start that fails (a test of start-up errors) must not leave its background services running.
            await host.StopAsync();
            host.Dispose();
            throw;
        }

        return new TestService(host, settings);
    }

    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
