using Assembly = System.Reflection.Assembly;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Mofa.Sync.Consumers;
using Mofa.Sync.Contracts;
using Mofa.Sync.Host.Hosting;
using Mofa.Sync.Mirror;
using Mofa.Sync.Moodle;
using Mofa.Sync.Store.MongoDb;
using Mofa.Sync.Store.Sqlite;
using Xunit;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace Mofa.Sync.Tests.Architecture;

/// <summary>
/// Dependencies point one way (docs/architecture.md, "Projects"): Contracts depends on nothing of ours;
/// Mirror and Moodle on Contracts; the store adapters on Mirror; Consumers on Contracts, Mirror and
/// Moodle, never on a store adapter; only Host composes them all. Inside each project no two folders
/// depend on each other, directly or round a circle.
/// </summary>
public sealed class DependencyRulesTests
{
    private static readonly Assembly Contracts = typeof(BridgeExchange).Assembly;
    private static readonly Assembly Mirror = typeof(MirrorApplier).Assembly;
    private static readonly Assembly Moodle = typeof(MoodleSites).Assembly;
    private static readonly Assembly Sqlite = typeof(SqliteMirrorStore).Assembly;
    private static readonly Assembly MongoDb = typeof(MongoMirrorStore).Assembly;
    private static readonly Assembly Consumers = typeof(BridgeAgents).Assembly;
    private static readonly Assembly Host = typeof(SyncHostBuilder).Assembly;

    /// <summary>Each project and the projects it may use.</summary>
    public static TheoryData<string, string[]> Allowed() => new()
    {
        { Name(Contracts), [] },
        { Name(Mirror), [Name(Contracts)] },
        { Name(Moodle), [Name(Contracts)] },
        { Name(Sqlite), [Name(Contracts), Name(Mirror)] },
        { Name(MongoDb), [Name(Contracts), Name(Mirror)] },
        { Name(Consumers), [Name(Contracts), Name(Mirror), Name(Moodle)] },
        { Name(Host), [Name(Contracts), Name(Mirror), Name(Moodle), Name(Sqlite), Name(MongoDb), Name(Consumers)] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void A_project_uses_only_the_projects_below_it(string project, string[] allowed)
    {
        var assembly = Assembly.Load(project);
        var ours = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Mofa.Sync.", StringComparison.Ordinal));
        Assert.All(ours, used => Assert.True(allowed.Contains(used), $"{project} uses {used}, which is not below it"));
    }

    private static readonly ArchUnitNET.Domain.Architecture Loaded =
        new ArchLoader().LoadAssemblies(Contracts, Mirror, Moodle, Sqlite, MongoDb, Consumers, Host).Build();

    /// <summary>Each project's namespace: its folders are the namespaces under it.</summary>
    public static TheoryData<string> ProjectNamespaces() => new()
    {
        "Mofa.Sync.Contracts", "Mofa.Sync.Mirror", "Mofa.Sync.Moodle", "Mofa.Sync.Consumers", "Mofa.Sync.Host",
    };

    /// <summary>A folder is a namespace under the project's (Consumers.Edge, Consumers.Modules, …), with its own sub-folders.</summary>
    [Theory]
    [MemberData(nameof(ProjectNamespaces))]
    public void No_two_folders_of_a_project_depend_on_each_other(string project) =>
        Slices().Matching(project + ".(*)..").Should().BeFreeOfCycles().Check(Loaded);

    /// <summary>The consumers' own namespace is their composition (BridgeAgents: the subscription map): above every folder, used by none.</summary>
    [Fact]
    public void No_folder_of_the_consumers_uses_their_composition() =>
        ArchUnitNET.Fluent.ArchRuleDefinition.Types().That().ResideInNamespaceMatching(@"Mofa\.Sync\.Consumers\..+")
            .Should().NotDependOnAny(ArchUnitNET.Fluent.ArchRuleDefinition.Types().That().ResideInNamespace("Mofa.Sync.Consumers"))
            .Check(Loaded);

    private static string Name(Assembly a) => a.GetName().Name!;
}
