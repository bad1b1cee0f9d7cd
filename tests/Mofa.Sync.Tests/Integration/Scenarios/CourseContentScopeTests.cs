using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Host.Recordings;
using Mofa.Sync.Host.Settings;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Reconcile;
using Mofa.Sync.Tests.Store;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>
/// The mirror keeps course content only, whatever a bridge sends (Mirror/CourseContentScope.cs):
/// Moodle 5.0's qbank modules (FEATURE_CAN_DISPLAY false, mod/qbank/lib.php) and the front page
/// (course 1, SITEID) are acknowledged and counted as ignored by the agents, and left out by the
/// reconcile that reads a course back, and reported as ignored by `mofa-sync validate`. Real
/// broker, real service, a real HTTP server as Moodle.
/// </summary>
public sealed class CourseContentScopeTests
{
    [Fact]
    public async Task Qbank_modules_and_front_page_events_are_acknowledged_and_counted_as_ignored()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        using var ignored = new IgnoredCount(service.Services.GetRequiredService<IMeterFactory>().Create(SyncMetrics.MeterName));
        var e = new EventFactory($"https://moodle-{Guid.NewGuid():N}.example.edu");

        await env.PublishAsync([
            BridgeBody.Of(e.CourseCreated(1, 101, "Algebra I", "ALG1")),
            BridgeBody.Of(e.ModuleCreated(2, 101, 900, "qbank", 40, "Algebra I course question bank")),
            BridgeBody.Of(e.ModuleCreated(2, 101, 901, "quiz", 41, "Week 1 quiz")),
            BridgeBody.Of(e.ModuleDeleted(3, 101, 900, "qbank", 40)),
            BridgeBody.Of(e.CourseUpdated(4, 1, "Moodle front page", "home")),
            BridgeBody.Of(e.ModuleCreated(4, 1, 902, "page", 42, "Site news")),
            BridgeBody.Of(e.RoleAssigned(5, 1, 311, "manager", EventFactory.Profile("m.front"))),
        ]);
        await env.WaitForHandledAsync(7, service);

        foreach (var agent in Enum.GetValues<SyncAgent>()) Assert.Empty(await env.ErrorQueueAsync(agent));
        var export = await env.ExportAsync();
        Assert.Equal([101L], export.Courses.Select(c => c.CourseId));
        Assert.Equal([901L], export.Modules.Select(m => m.CmId));
        Assert.Empty(export.Users);
        Assert.Equal(5, ignored.Value);
    }

    [Fact]
    public async Task A_reconciled_course_leaves_its_qbank_module_out_and_drops_one_stored_before()
    {
        await using var world = new ReconcileWorld();
        var course = world.AddCourse(42, modules: 2, teachers: 1, students: 1);
        course.Modules.Add(new FakeMoodleSite.FakeModule(42900, "qbank", 77, "C42 course question bank"));
        // Stored by an earlier version of the service, which took qbank modules: the reconcile removes it.
        await world.ApplyEventsAsync(world.Events.ModuleCreated(1, 42, 42900, "qbank", 77, "C42 course question bank"));
        Assert.Equal([42900L], (await world.ExportAsync()).Modules.Select(m => m.CmId));

        var run = await world.RunAsync("reconcile", "--site", world.Site, "--course", "42");

        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Err}{run.Out}");
        var export = await world.ExportAsync();
        Assert.Equal([42000L, 42001], export.Modules.Select(m => m.CmId));
    }

    [Fact]
    public void ExcludedModules_defaults_to_qbank_and_refuses_what_is_not_a_module_name()
    {
        Assert.Equal("module 'qbank' is not course content (Sync:ExcludedModules)",
            new Mofa.Sync.Consumers.Configuration.SyncOptions().ContentScope().Excludes(new EventFactory().ModuleCreated(1, 5, 6, "qbank", 7, "Bank")));
        var error = Assert.Throws<SettingsException>(() => MofaSyncSettings.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sync:ExcludedModules:0"] = "qbank", ["Sync:ExcludedModules:1"] = "Label Module" }).Build()));
        Assert.Contains("Sync:ExcludedModules must hold Moodle module names like 'qbank' (lower-case letters, digits, '_'; got 'Label Module')", error.Message);
    }

    [Fact]
    public void Validate_reports_a_qbank_module_and_the_front_page_as_ignored_as_the_agents_do()
    {
        var e = new EventFactory();
        var qbank = BridgeFileValidator.CheckLine(BridgeBody.Of(e.ModuleCreated(1, 5, 6, "qbank", 7, "Bank")).Body, 1, null);
        Assert.Equal((LineOutcome.Ignored, "module 'qbank' is not course content (Sync:ExcludedModules)"), (qbank.Outcome, qbank.Reason));
        var front = BridgeFileValidator.CheckLine(BridgeBody.Of(e.CourseUpdated(1, 1)).Body, 2, null);
        Assert.Equal((LineOutcome.Ignored, "course 1 is the site's front page, not a course of the mirror"), (front.Outcome, front.Reason));
        Assert.Equal(LineOutcome.Valid, BridgeFileValidator.CheckLine(BridgeBody.Of(e.ModuleCreated(1, 5, 6, "page", 7, "Syllabus")).Body, 3, null).Outcome);
    }

    /// <summary>Counts mofa_sync_events with outcome ignored, for one service's meter only.</summary>
    private sealed class IgnoredCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public IgnoredCount(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "mofa_sync_events") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "outcome" && (string?)tag.Value == "ignored") Interlocked.Add(ref _value, value);
                }
            });
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}
