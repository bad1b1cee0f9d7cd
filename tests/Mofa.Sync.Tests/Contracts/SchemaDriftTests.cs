using Mofa.Sync.Agents.Routing;
using Mofa.Sync.Agents.Schema;
using Xunit;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/schemas/ is generated from the contract records. When a record changes, this test fails
/// until the files are regenerated: run it once with MOFASYNC_UPDATE_SCHEMAS=1, review the diff,
/// commit it.
/// </summary>
public sealed class SchemaDriftTests
{
    private const string UpdateVariable = "MOFASYNC_UPDATE_SCHEMAS";

    private const string HowToRegenerate =
        "Regenerate them with: MOFASYNC_UPDATE_SCHEMAS=1 dotnet test tests/Mofa.Sync.Tests --filter \"FullyQualifiedName~SchemaDriftTests\" and commit the changes under docs/schemas/.";

    [Fact]
    public void PublishedSchemasMatchTheContractRecords()
    {
        var generated = ContractSchemas.Generate();
        var directory = RepoPaths.Of(ContractSchemas.Directory);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            foreach (var stale in Directory.GetFiles(directory, "*.schema.json").Where(f => !generated.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }

            foreach (var (name, text) in generated)
            {
                File.WriteAllText(Path.Combine(directory, name), text);
            }

            return;
        }

        var problems = new List<string>();
        foreach (var (name, text) in generated)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) problems.Add($"{ContractSchemas.Directory}/{name} is missing");
            else if (File.ReadAllText(path) != text) problems.Add($"{ContractSchemas.Directory}/{name} differs from the schema generated from the contract record");
        }

        if (Directory.Exists(directory))
        {
            problems.AddRange(Directory.GetFiles(directory, "*.schema.json")
                .Select(Path.GetFileName)
                .Where(f => !generated.ContainsKey(f!))
                .Select(f => $"{ContractSchemas.Directory}/{f} belongs to no contract record"));
        }

        Assert.True(problems.Count == 0, $"The published JSON Schemas are out of date:\n  {string.Join("\n  ", problems)}\n{HowToRegenerate}");
    }

    [Fact]
    public void GenerationIsDeterministic()
    {
        var first = ContractSchemas.Generate();
        var second = ContractSchemas.Generate();
        Assert.Equal(first.Keys, second.Keys);
        foreach (var (name, text) in first)
        {
            Assert.Equal(text, second[name]);
            Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SchemaRoutesAreTheServiceRoutes()
    {
        Assert.Equal(
            BridgeRoutes.All.Select(r => (r.RoutingKey, r.Contract)),
            ContractSchemas.Routes);
    }
}
