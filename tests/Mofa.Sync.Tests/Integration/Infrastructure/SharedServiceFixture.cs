using Mofa.Sync.Mirror;
using Xunit;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>One running service for a test class; its tests keep apart by using a site each.</summary>
public sealed class SharedServiceFixture : IAsyncLifetime
{
    private long _published;

    public TestEnvironment Env { get; } = new();

    public TestService Service { get; private set; } = null!;

    public async Task InitializeAsync() => Service = await TestService.StartAsync(Env);

    /// <summary>Publishes, waits until the service handled everything published so far, and exports one site.</summary>
    public async Task<MirrorExport> PublishAndExportAsync(string site, params (string RoutingKey, string Body)[] messages)
    {
        await Env.PublishAsync(messages);
        await Env.WaitForHandledAsync(Interlocked.Add(ref _published, messages.Length), Service);
        var all = await Env.ExportAsync();
        return new MirrorExport(
            all.Courses.Where(c => c.Site == site).ToList(),
            all.Modules.Where(m => m.Site == site).ToList(),
            all.Users.Where(u => u.Site == site).ToList(),
            all.QuizQuestions.Where(q => q.Site == site).ToList());
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Env.DisposeAsync();
    }
}
