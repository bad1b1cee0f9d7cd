using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Contracts;
using Mofa.Sync.Mirror;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Store;
using Xunit;

namespace Mofa.Sync.Tests.Consumers;

/// <summary>A handler's outcome through the edge, on the in-memory harness: the real handler and apply rule over a real SQLite file.</summary>
public sealed class HandlerOutcomeTests
{
    [Fact]
    public async Task A_module_created_is_applied_to_the_mirror_and_its_redelivery_is_a_duplicate()
    {
        var path = SqliteTestFile.NewPath("mofa-consumer-harness");
        try
        {
            await using var harness = await ConsumerHarness.StartAsync(recording: false, services: s =>
            {
                s.AddSqliteStore(new SqliteStoreOptions { Path = path });
                s.AddSingleton(sp => new MirrorApplier(sp.GetRequiredService<IMirrorStore>(), new SyncOptions().TeacherRoleSet()));
            });
            var store = harness.Services.GetRequiredService<IMirrorStore>();
            await store.InitializeAsync(CancellationToken.None);
            var body = ValidBodies.Bytes(ValidBodies.Of(BridgeRoutingKeys.CourseModuleCreated));

            var first = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Module, BridgeRoutingKeys.CourseModuleCreated, body));
            var again = await harness.ConsumedAsync(await harness.SendAsync(SyncAgent.Module, BridgeRoutingKeys.CourseModuleCreated, body));

            Assert.Null(first.Exception);
            Assert.Null(again.Exception);
            var module = Assert.Single(await store.ReadAllAsync(MirrorCollection.Modules, CancellationToken.None));
            Assert.Equal(("https://moodle.example.edu", 101L), (module.Site, module.CourseId));
            Assert.Equal("Week 1 quiz: variables and types", (string?)module.Data?["name"]);
            Assert.True(Assert.Single(await store.ReadAllAsync(MirrorCollection.Courses, CancellationToken.None)).Placeholder);
            Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("kind", BridgeRoutingKeys.CourseModuleCreated), ("outcome", "applied")));
            Assert.Equal(1, harness.Outcomes.Of("mofa_sync_events", ("kind", BridgeRoutingKeys.CourseModuleCreated), ("outcome", "duplicate")));
        }
        finally
        {
            SqliteTestFile.Delete(path);
        }
    }
}
